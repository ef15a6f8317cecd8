using System;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using ReleaseOps.Core.Migration;
using Xunit;

namespace ReleaseOps.Core.Tests
{
    /// <summary>The parts of the migration's logical replication that need no node (the Docker rig tests the rest).</summary>
    public sealed class DatabaseReplicationTests
    {
        [Theory]
        [InlineData("160004", "150010")]
        [InlineData("150010", "140000")]
        public void ATargetOlderThanTheSourceFailsBeforeAnyDataMoves(string source, string target)
        {
            var ex = Assert.Throws<ReleaseOpsException>(() => DatabaseSync.CheckPair("old", source, "new", target));
            Assert.Equal("PostgresVersionMismatch", ex.ErrorId);
            Assert.Contains("Nothing was copied", ex.Message, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("150010", "150002")]
        [InlineData("140000", "160004")]
        public void ASameOrNewerMajorVersionOnTheTargetIsAccepted(string source, string target) => DatabaseSync.CheckPair("old", source, "new", target);

        [Fact]
        public void TheReplicationNameIsStableAndAValidIdentifier()
        {
            var name = DatabaseReplication.NameOf("shop-20261203-054735");
            Assert.Equal(name, DatabaseReplication.NameOf("shop-20261203-054735"));
            Assert.NotEqual(name, DatabaseReplication.NameOf("shop-20261203-054736"));
            Assert.Matches("^releaseops_[0-9a-f]{12}$", name);
        }

        [Fact]
        public void TheScramVerifierHoldsNoPasswordAndProvesIt()
        {
            const string password = "0123456789abcdef0123456789abcdef0123456789abcdef";
            var verifier = DatabaseReplication.ScramVerifier(password);
            Assert.DoesNotContain(password, verifier, StringComparison.Ordinal);
            var m = Regex.Match(verifier, @"^SCRAM-SHA-256\$4096:([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$");
            Assert.True(m.Success, verifier);
            Assert.NotEqual(verifier, DatabaseReplication.ScramVerifier(password));

            // RFC 5802: StoredKey = H(HMAC(SaltedPassword, "Client Key")), ServerKey = HMAC(SaltedPassword, "Server Key").
            var salt = Convert.FromBase64String(m.Groups[1].Value);
            var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, 4096, HashAlgorithmName.SHA256, 32);
            Assert.Equal(m.Groups[2].Value, Convert.ToBase64String(SHA256.HashData(HMACSHA256.HashData(salted, Encoding.UTF8.GetBytes("Client Key")))));
            Assert.Equal(m.Groups[3].Value, Convert.ToBase64String(HMACSHA256.HashData(salted, Encoding.UTF8.GetBytes("Server Key"))));
            Assert.NotEqual(m.Groups[2].Value, Convert.ToBase64String(SHA256.HashData(HMACSHA256.HashData(
                Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password + "x"), salt, 4096, HashAlgorithmName.SHA256, 32), Encoding.UTF8.GetBytes("Client Key")))));
        }
    }
}
