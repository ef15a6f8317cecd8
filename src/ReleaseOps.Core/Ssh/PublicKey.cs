using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace ReleaseOps.Core.Ssh
{
    /// <summary>An OpenSSH public key line, parsed and checked.</summary>
    public sealed class PublicKey
    {
        private static readonly string[] Types =
        {
            "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
            "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
        };

        private PublicKey(string type, string base64, string comment, byte[] blob)
        {
            Type = type;
            Base64 = base64;
            Comment = comment;
            Fingerprint = KnownHostsFile.Fingerprint(blob);
        }

        public string Type { get; }

        public string Base64 { get; }

        public string Comment { get; }

        public string Fingerprint { get; }

        /// <summary>The line written to authorized_keys: type, key and comment (options are not carried over).</summary>
        public string Line => Comment.Length > 0 ? $"{Type} {Base64} {Comment}" : $"{Type} {Base64}";

        /// <summary>Parses "type base64 [comment]" (as in a .pub file); options before the type are skipped.</summary>
        public static PublicKey Parse(string text)
        {
            var line = (text ?? string.Empty).Trim();
            var fields = line.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
            var at = Array.FindIndex(fields, f => Types.Contains(f));
            if (line.IndexOf('\n') >= 0 || at < 0 || at + 1 >= fields.Length)
            {
                throw Invalid(text, "it is not one OpenSSH public key line (type, base64 key, comment)");
            }

            byte[] blob;
            try
            {
                blob = Convert.FromBase64String(fields[at + 1]);
            }
            catch (FormatException)
            {
                throw Invalid(text, "its key is not base64");
            }

            if (blob.Length < 8)
            {
                throw Invalid(text, "its key is too short");
            }

            var length = (blob[0] << 24) | (blob[1] << 16) | (blob[2] << 8) | blob[3];
            var inner = length > 0 && length <= blob.Length - 4 ? System.Text.Encoding.ASCII.GetString(blob, 4, length) : string.Empty;
            if (inner != fields[at])
            {
                throw Invalid(text, $"its key says it is {inner}, not {fields[at]}");
            }

            return new PublicKey(fields[at], fields[at + 1], string.Join(" ", fields.Skip(at + 2)), blob);
        }

        private static ReleaseOpsException Invalid(string? text, string why)
        {
            var shown = text is null ? string.Empty : (text.Length > 60 ? text.Substring(0, 60) + "..." : text);
            return new ReleaseOpsException(ErrorIds.InvalidPublicKey, FailureCategory.InvalidArgument,
                $"'{shown}' is not a valid public key: {why}.", "Pass the contents of a .pub file, such as (Get-Content ~/.ssh/id_ed25519.pub).", text);
        }
    }
}
