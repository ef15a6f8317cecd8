using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using ReleaseOps.Core;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Commands
{
    /// <summary>
    /// The sessions that New-NodeSession opened in this PowerShell process, by number, as Posh-SSH keeps its sessions.
    /// They live until Remove-NodeSession or the end of the process.
    /// </summary>
    internal static class NodeSessions
    {
        private static readonly ConcurrentDictionary<int, (NodeSessionInfo Info, NodeSession Session)> Open = new();
        private static int last;

        public static NodeSessionInfo Add(string name, NodeSession session)
        {
            var info = new NodeSessionInfo
            {
                SessionId = Interlocked.Increment(ref last),
                Name = name,
                HostName = session.Settings.HostName,
                Port = session.Settings.Port,
                User = session.User,
                Endpoint = session.Endpoint,
                Opened = DateTimeOffset.Now,
            };
            Open[info.SessionId] = (info, session);
            return info;
        }

        public static IReadOnlyList<NodeSessionInfo> List() => Open.Values.Select(v => Refresh(v.Info, v.Session)).OrderBy(i => i.SessionId).ToList();

        /// <summary>The open session of a number (NodeSessionNotFound when there is none).</summary>
        public static (NodeSessionInfo Info, NodeSession Session) Get(int id)
        {
            if (!Open.TryGetValue(id, out var entry))
            {
                throw new ReleaseOpsException(ErrorIds.NodeSessionNotFound, FailureCategory.ObjectNotFound, $"There is no open session {id} in this PowerShell process.",
                    "List the sessions with Get-NodeSession, or open one with New-NodeSession.", id);
            }

            Refresh(entry.Info, entry.Session);
            return entry;
        }

        public static NodeSessionInfo Remove(int id)
        {
            if (!Open.TryRemove(id, out var entry))
            {
                throw new ReleaseOpsException(ErrorIds.NodeSessionNotFound, FailureCategory.ObjectNotFound, $"There is no open session {id} in this PowerShell process.",
                    "List the sessions with Get-NodeSession.", id);
            }

            entry.Session.Dispose();
            entry.Info.State = NodeSessionState.Closed;
            return entry.Info;
        }

        private static NodeSessionInfo Refresh(NodeSessionInfo info, NodeSession session)
        {
            info.State = session.IsConnected ? NodeSessionState.Opened : NodeSessionState.Broken;
            return info;
        }
    }
}
