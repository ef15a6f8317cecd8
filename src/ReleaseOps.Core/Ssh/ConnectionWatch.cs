using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace ReleaseOps.Core.Ssh
{
    /// <summary>
    /// Keeps why an SSH connection dropped. SSH.NET reports a failure of its message loop (a reset socket, a packet it
    /// could not read, an exception thrown by a channel's handler) once, through ErrorOccurred, and then disconnects;
    /// every later call on that client only says "Client not connected". The watch keeps the first cause and when it
    /// happened, for the error that names it.
    /// </summary>
    internal sealed class ConnectionWatch
    {
        private readonly object gate = new();
        private readonly DateTimeOffset opened = DateTimeOffset.UtcNow;
        private Exception? cause;
        private DateTimeOffset lostAt;
        private int closedHere;

        public ConnectionWatch(string name, string endpoint, BaseClient client)
        {
            Name = name;
            Endpoint = endpoint;
            Client = client;
            client.ErrorOccurred += (_, e) => Record(e.Exception);
        }

        public string Name { get; }

        public string Endpoint { get; }

        public BaseClient Client { get; }

        /// <summary>The first error SSH.NET reported for this connection, if any.</summary>
        public Exception? Cause
        {
            get
            {
                lock (gate)
                {
                    return cause;
                }
            }
        }

        /// <summary>True when the connection is gone, and not because this process closed it.</summary>
        public bool Dropped
        {
            get
            {
                if (Cause is not null)
                {
                    return true;
                }

                if (Volatile.Read(ref closedHere) != 0)
                {
                    return false;
                }

                try
                {
                    return !Client.IsConnected;
                }
                catch (ObjectDisposedException)
                {
                    return false;
                }
            }
        }

        public void Record(Exception ex)
        {
            lock (gate)
            {
                if (cause is null)
                {
                    cause = ex;
                    lostAt = DateTimeOffset.UtcNow;
                }
            }
        }

        public void ClosingHere() => Interlocked.Exchange(ref closedHere, 1);

        /// <summary>"dropped 12.3 s after it opened: SshConnectionException: ... (SocketException: Connection reset by peer)".</summary>
        public string Describe()
        {
            Exception? c;
            DateTimeOffset at;
            lock (gate)
            {
                c = cause;
                at = cause is null ? DateTimeOffset.UtcNow : lostAt;
            }

            var after = (at - opened).TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
            return c is null
                ? $"closed {after} s after it opened, with no error from the SSH layer (the server or the network ended it)"
                : $"dropped {after} s after it opened: {Chain(c)}";
        }

        private static string Chain(Exception ex)
        {
            var parts = new List<string>();
            for (var e = ex; e is not null && parts.Count < 4; e = e.InnerException)
            {
                var text = e.GetType().Name + ": " + e.Message.Trim();
                if (e is SocketException se)
                {
                    text += " (" + se.SocketErrorCode + ")";
                }

                parts.Add(text);
            }

            // Where the loop failed: the first frame of a handler that threw, say, ObjectDisposedException in a stream.
            var frame = ex.StackTrace?.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0);
            return string.Join(" <- ", parts) + (frame is null || ex is SocketException or SshConnectionException ? string.Empty : " [" + frame + "]");
        }
    }
}
