using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Pipes;
using System.Linq;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Renci.SshNet;
using Renci.SshNet.Security;

namespace ReleaseOps.Core.Ssh
{
    /// <summary>
    /// A client of the SSH agent protocol (draft-miller-ssh-agent), which SSH.NET lacks: it lists the agent's keys
    /// (REQUEST_IDENTITIES) and has the agent sign (SIGN_REQUEST, with the rsa-sha2-256/512 flags for RSA keys), so that
    /// passphrase-protected and hardware-backed keys that only the agent holds log in, as with ssh. The agent is reached
    /// at SSH_AUTH_SOCK (a Unix socket) or ssh_config's IdentityAgent, and on Windows at the OpenSSH agent's pipe.
    /// </summary>
    public sealed class SshAgent
    {
        private const byte Failure = 5;
        private const byte RequestIdentities = 11;
        private const byte IdentitiesAnswer = 12;
        private const byte SignRequest = 13;
        private const byte SignResponse = 14;
        private const uint RsaSha2256 = 2;
        private const uint RsaSha2512 = 4;

        private readonly string address;

        private SshAgent(string address) => this.address = address;

        /// <summary>The agent that applies (IdentityAgent, else SSH_AUTH_SOCK, else the Windows pipe), or null for none.</summary>
        public static SshAgent? For(SshHostSettings settings)
        {
            var configured = settings.IdentityAgent;
            if (string.Equals(configured, "none", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            var path = configured is null || configured == "SSH_AUTH_SOCK" ? Environment.GetEnvironmentVariable("SSH_AUTH_SOCK") : configured;
            if (string.IsNullOrEmpty(path) && RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                path = @"\\.\pipe\openssh-ssh-agent";
            }

            return string.IsNullOrEmpty(path) ? null : new SshAgent(path!);
        }

        /// <summary>The agent's address, for messages.</summary>
        public string Address => address;

        /// <summary>The agent's keys, as SSH.NET key sources; an agent that cannot be reached has none.</summary>
        public IReadOnlyList<IPrivateKeySource> Keys(Func<byte[], bool>? accept = null)
        {
            byte[] answer;
            try
            {
                answer = Call(new[] { RequestIdentities });
            }
            catch (Exception ex) when (ex is IOException or SocketException or TimeoutException or UnauthorizedAccessException or InvalidDataException or PlatformNotSupportedException)
            {
                return Array.Empty<IPrivateKeySource>();
            }

            if (answer.Length == 0 || answer[0] != IdentitiesAnswer)
            {
                return Array.Empty<IPrivateKeySource>();
            }

            var reader = new Reader(answer, 1);
            var count = reader.UInt32();
            var keys = new List<IPrivateKeySource>();
            for (var i = 0; i < count && i < 1000; i++)
            {
                var blob = reader.Bytes();
                reader.Bytes(); // the comment
                var type = new Reader(blob, 0).Text();
                if (accept is not null && !accept(blob))
                {
                    continue;
                }

                // An RSA key signs as rsa-sha2-512 or rsa-sha2-256 (flags) as well as ssh-rsa, as ssh offers it.
                var algorithms = type == "ssh-rsa"
                    ? new HostAlgorithm[] { new AgentKey(this, "rsa-sha2-512", blob, RsaSha2512), new AgentKey(this, "rsa-sha2-256", blob, RsaSha2256), new AgentKey(this, "ssh-rsa", blob, 0) }
                    : new HostAlgorithm[] { new AgentKey(this, type, blob, 0) };
                keys.Add(new AgentKeySource(algorithms));
            }

            return keys;
        }

        private byte[] Sign(byte[] blob, byte[] data, uint flags)
        {
            var request = new Writer();
            request.Byte(SignRequest);
            request.Bytes(blob);
            request.Bytes(data);
            request.UInt32(flags);
            var answer = Call(request.ToArray());
            if (answer.Length == 0 || answer[0] == Failure || answer[0] != SignResponse)
            {
                throw new InvalidOperationException($"The SSH agent at {address} refused to sign (it may ask for a touch or a PIN that nobody gave).");
            }

            return new Reader(answer, 1).Bytes();
        }

        /// <summary>One request and its answer, each framed as uint32 length + message.</summary>
        private byte[] Call(byte[] message)
        {
            using var stream = Open();
            var frame = new byte[4 + message.Length];
            WriteUInt32(frame, 0, (uint)message.Length);
            Buffer.BlockCopy(message, 0, frame, 4, message.Length);
            stream.Write(frame, 0, frame.Length);
            stream.Flush();
            var head = ReadExactly(stream, 4);
            var length = (head[0] << 24) | (head[1] << 16) | (head[2] << 8) | head[3];
            if (length <= 0 || length > 256 * 1024)
            {
                throw new InvalidDataException("The SSH agent sent a message of an impossible length.");
            }

            return ReadExactly(stream, length);
        }

        private Stream Open()
        {
            if (address.StartsWith(@"\\.\pipe\", StringComparison.Ordinal))
            {
                var pipe = new NamedPipeClientStream(".", address.Substring(@"\\.\pipe\".Length), PipeDirection.InOut);
                pipe.Connect(5000);
                return pipe;
            }

#if NET8_0_OR_GREATER
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { ReceiveTimeout = 30000, SendTimeout = 5000 };
            try
            {
                socket.Connect(new UnixDomainSocketEndPoint(address));
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            return new NetworkStream(socket, ownsSocket: true);
#else
            throw new PlatformNotSupportedException("Unix domain sockets need PowerShell 7.");
#endif
        }

        private static byte[] ReadExactly(Stream stream, int count)
        {
            var buffer = new byte[count];
            var read = 0;
            while (read < count)
            {
                var n = stream.Read(buffer, read, count - read);
                if (n <= 0)
                {
                    throw new IOException("The SSH agent closed the connection.");
                }

                read += n;
            }

            return buffer;
        }

        private static void WriteUInt32(byte[] buffer, int offset, uint value)
        {
            buffer[offset] = (byte)(value >> 24);
            buffer[offset + 1] = (byte)(value >> 16);
            buffer[offset + 2] = (byte)(value >> 8);
            buffer[offset + 3] = (byte)value;
        }

        /// <summary>An agent key as SSH.NET sees one: its public blob as Data; Sign asks the agent.</summary>
        private sealed class AgentKey : HostAlgorithm
        {
            private readonly SshAgent agent;
            private readonly byte[] blob;
            private readonly uint flags;

            public AgentKey(SshAgent agent, string name, byte[] blob, uint flags)
                : base(name)
            {
                this.agent = agent;
                this.blob = blob;
                this.flags = flags;
            }

            public override byte[] Data => blob;

            public override byte[] Sign(byte[] data) => agent.Sign(blob, data, flags);

            public override bool VerifySignature(byte[] data, byte[] signature) => false;
        }

        private sealed class AgentKeySource : IPrivateKeySource
        {
            public AgentKeySource(IReadOnlyCollection<HostAlgorithm> algorithms) => HostKeyAlgorithms = algorithms;

            public IReadOnlyCollection<HostAlgorithm> HostKeyAlgorithms { get; }
        }

        private sealed class Reader
        {
            private readonly byte[] data;
            private int at;

            public Reader(byte[] data, int at)
            {
                this.data = data;
                this.at = at;
            }

            public uint UInt32()
            {
                if (at + 4 > data.Length)
                {
                    throw new InvalidDataException("The SSH agent's message ends early.");
                }

                var v = ((uint)data[at] << 24) | ((uint)data[at + 1] << 16) | ((uint)data[at + 2] << 8) | data[at + 3];
                at += 4;
                return v;
            }

            public byte[] Bytes()
            {
                var length = (int)UInt32();
                if (length < 0 || at + length > data.Length)
                {
                    throw new InvalidDataException("The SSH agent's message ends early.");
                }

                var v = new byte[length];
                Buffer.BlockCopy(data, at, v, 0, length);
                at += length;
                return v;
            }

            public string Text() => Encoding.ASCII.GetString(Bytes());
        }

        private sealed class Writer
        {
            private readonly MemoryStream stream = new();

            public void Byte(byte b) => stream.WriteByte(b);

            public void UInt32(uint v)
            {
                var b = new byte[4];
                WriteUInt32(b, 0, v);
                stream.Write(b, 0, 4);
            }

            public void Bytes(byte[] v)
            {
                UInt32((uint)v.Length);
                stream.Write(v, 0, v.Length);
            }

            public byte[] ToArray() => stream.ToArray();
        }
    }
}
