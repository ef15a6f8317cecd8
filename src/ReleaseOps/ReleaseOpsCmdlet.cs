using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using ReleaseOps.Core;

namespace ReleaseOps.Commands
{
    /// <summary>
    /// The base of every ReleaseOps cmdlet. Ctrl+C (StopProcessing) cancels the engine's token; records that the
    /// engine reports from worker threads are queued and written on the pipeline thread; every progress activity is
    /// closed with a Completed record (except after Ctrl+C, when PowerShell accepts no more records and the host
    /// clears the display itself); engine failures become error records with their stable ids.
    /// </summary>
    public abstract class ReleaseOpsCmdlet : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource cancellation = new();
        private bool disposed;

        /// <summary>Cancelled when the user presses Ctrl+C or the pipeline stops.</summary>
        protected CancellationToken CancellationToken => cancellation.Token;

        /// <inheritdoc />
        public void Dispose()
        {
            if (!disposed)
            {
                disposed = true;
                cancellation.Dispose();
            }

            GC.SuppressFinalize(this);
        }

        /// <inheritdoc />
        protected override void StopProcessing() => cancellation.Cancel();

        /// <summary>
        /// Runs engine work on a worker thread while this (pipeline) thread writes what it reports. Engine failures
        /// surface as <see cref="ReleaseOpsException"/>; cancellation as PipelineStoppedException.
        /// </summary>
        protected internal T RunEngine<T>(Func<IOperationReporter, CancellationToken, Task<T>> work) =>
            RunEngine<T>((reporter, _, token) => work(reporter, token));

        /// <summary>
        /// As above; the work may also post actions (such as WriteObject of a result that just arrived) that run on the
        /// pipeline thread, in order.
        /// </summary>
        protected internal T RunEngine<T>(Func<IOperationReporter, Action<Action>, CancellationToken, Task<T>> work)
        {
            using var queue = new BlockingCollection<Action>();
            void Post(Action a)
            {
                // Libraries may report late (SSH.NET raises progress on the thread pool); after the work ends, drop it.
                try
                {
                    queue.Add(a);
                }
                catch (InvalidOperationException)
                {
                    // Also ObjectDisposedException, which derives from it.
                }
            }

            var reporter = new PipelineReporter(this, Post);
            var task = Task.Run(async () =>
            {
                try
                {
                    return await work(reporter, Post, cancellation.Token).ConfigureAwait(false);
                }
                finally
                {
                    queue.CompleteAdding();
                }
            });

            try
            {
                foreach (var record in queue.GetConsumingEnumerable())
                {
                    record();
                }
            }
            finally
            {
                reporter.CompleteOpenActivities();
            }

            try
            {
                return task.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
        }

        /// <summary>
        /// True for cmdlets whose steps are worth a line in a CI console log (Start-Release, the hotfix cmdlets): each
        /// new progress status is also written to the information stream, tagged ReleaseOps and Step.
        /// </summary>
        protected virtual bool StepsToInformation => false;

        /// <summary>Runs quick engine work on the pipeline thread itself, with a reporter that writes at once.</summary>
        protected T RunEngine<T>(Func<IOperationReporter, T> work)
        {
            var reporter = new PipelineReporter(this, a => a());
            try
            {
                return work(reporter);
            }
            finally
            {
                reporter.CompleteOpenActivities();
            }
        }

        /// <summary>
        /// ShouldProcess for destructive cmdlets: -Force skips the confirmation prompt (scheduled tasks and Jenkins
        /// have no one to answer it), unless -Confirm is given explicitly; -WhatIf always wins.
        /// </summary>
        protected internal bool ShouldProcessUnlessForced(string target, string action, bool force)
        {
            var bound = MyInvocation.BoundParameters;
            if (force && !bound.ContainsKey("Confirm") && !bound.ContainsKey("WhatIf"))
            {
                WriteVerbose($"{action} on {target}: confirmed by -Force.");
                return true;
            }

            return ShouldProcess(target, action);
        }

        /// <summary>
        /// The same, for a cmdlet whose -WhatIf and prompt show a whole plan (description) under a caption.
        /// </summary>
        protected bool ShouldProcessUnlessForced(string description, string warning, string caption, bool force)
        {
            var bound = MyInvocation.BoundParameters;
            if (force && !bound.ContainsKey("Confirm") && !bound.ContainsKey("WhatIf"))
            {
                WriteVerbose($"{caption}: confirmed by -Force.");
                return true;
            }

            return ShouldProcess(description, warning, caption);
        }

        /// <summary>Runs work for one input; a ReleaseOpsException becomes a non-terminating error for that input.</summary>
        protected void ForEachInput(object? target, Action work)
        {
            try
            {
                work();
            }
            catch (ReleaseOpsException ex)
            {
                WriteError(ToErrorRecord(ex, target));
            }
        }

        /// <summary>
        /// Ends the call with the engine's error, honouring -ErrorAction and $ErrorActionPreference as built-in cmdlets
        /// do. ThrowTerminatingError ends only the statement and ignores both: `Start-Release -ErrorAction Stop; 'after'`
        /// went on to 'after' and pwsh exited 0. So under Stop the failure is written with WriteError, which PowerShell
        /// turns into a script-terminating error (and a try/catch catches); under SilentlyContinue or Ignore it is
        /// written and the call ends quietly; under Continue (the default) it stays statement-terminating, as the house
        /// style has it. Callers return after it.
        /// </summary>
        protected void ThrowFailure(ReleaseOpsException ex, object? target = null)
        {
            var record = ToErrorRecord(ex, target);
            if (EffectiveErrorAction() is ActionPreference.Continue or ActionPreference.Inquire or ActionPreference.Suspend)
            {
                ThrowTerminatingError(record);
            }

            WriteError(record);
        }

        /// <summary>True when ShouldProcess would ask: -Confirm, or an impact at or above $ConfirmPreference (and no -WhatIf).</summary>
        private bool WouldPrompt()
        {
            var bound = MyInvocation.BoundParameters;
            if (bound.TryGetValue("WhatIf", out var whatIf) && whatIf is SwitchParameter { IsPresent: true })
            {
                return false;
            }

            if (bound.TryGetValue("Confirm", out var confirm) && confirm is SwitchParameter c)
            {
                return c.IsPresent;
            }

            var impact = (GetType().GetCustomAttributes(typeof(CmdletAttribute), true).FirstOrDefault() as CmdletAttribute)?.ConfirmImpact ?? ConfirmImpact.Medium;
            var preference = SessionState.PSVariable.GetValue("ConfirmPreference") switch
            {
                ConfirmImpact p => p,
                string text when Enum.TryParse<ConfirmImpact>(text, true, out var parsed) => parsed,
                _ => ConfirmImpact.High,
            };
            return preference != ConfirmImpact.None && impact >= preference;
        }

        /// <summary>-ErrorAction when given, else the caller's $ErrorActionPreference.</summary>
        private ActionPreference EffectiveErrorAction()
        {
            if (MyInvocation.BoundParameters.TryGetValue("ErrorAction", out var bound) && bound is ActionPreference given)
            {
                return given;
            }

            return SessionState.PSVariable.GetValue("ErrorActionPreference") switch
            {
                ActionPreference p => p,
                string text when Enum.TryParse<ActionPreference>(text, true, out var parsed) => parsed,
                _ => ActionPreference.Continue,
            };
        }

        /// <summary>ShouldProcess that never hangs or crashes where nobody can answer (see <see cref="Confirming"/>).</summary>
        protected new bool ShouldProcess(string target) => Confirming(() => base.ShouldProcess(target));

        /// <inheritdoc cref="ShouldProcess(string)"/>
        protected new bool ShouldProcess(string target, string action) => Confirming(() => base.ShouldProcess(target, action));

        /// <inheritdoc cref="ShouldProcess(string)"/>
        protected new bool ShouldProcess(string verboseDescription, string verboseWarning, string caption) => Confirming(() => base.ShouldProcess(verboseDescription, verboseWarning, caption));

        /// <summary>
        /// A confirmation prompt under -NonInteractive, or with standard input redirected (a scheduled task, Jenkins),
        /// fails in the host (PSInvalidOperationException, or a NullReferenceException when stdin is /dev/null). It
        /// becomes the module's own error, ConfirmationRequired, which names -Force.
        /// </summary>
        private bool Confirming(Func<bool> ask)
        {
            try
            {
                // With standard input redirected nobody can answer, and the host would print the prompt and then fail
                // (or take the next line of the input as the answer): fail before a prompt is shown.
                if (Console.IsInputRedirected && WouldPrompt())
                {
                    throw new PSInvalidOperationException("standard input is redirected");
                }

                return ask();
            }
            catch (Exception ex) when (ex is PSInvalidOperationException or System.Management.Automation.Host.HostException or NullReferenceException or InvalidOperationException && ex is not PipelineStoppedException)
            {
                ThrowFailure(new ReleaseOpsException(ErrorIds.ConfirmationRequired, FailureCategory.InvalidOperation,
                    $"{MyInvocation.MyCommand.Name} asks for confirmation before it changes anything, and nobody can answer here (a non-interactive session, or standard input redirected). Nothing was changed.",
                    "Add -Force (or -Confirm:$false) to run it without a prompt in scripts, scheduled tasks and Jenkins.", null, ex));
                return false;
            }
        }

        /// <summary>Maps an engine failure to an ErrorRecord with its id, category, target and recommended action.</summary>
        internal static ErrorRecord ToErrorRecord(ReleaseOpsException ex, object? target)
        {
            if (ex is null)
            {
                throw new ArgumentNullException(nameof(ex));
            }

            var category = Enum.TryParse<ErrorCategory>(ex.Category.ToString(), out var c) ? c : ErrorCategory.NotSpecified;
            var record = new ErrorRecord(ex, ex.ErrorId, category, ex.Target ?? target)
            {
                ErrorDetails = new ErrorDetails(ex.Message) { RecommendedAction = ex.RecommendedAction },
            };
            return record;
        }

        private sealed class PipelineReporter : IOperationReporter
        {
            private readonly ReleaseOpsCmdlet cmdlet;
            private readonly Action<Action> post;
            private readonly ConcurrentDictionary<int, string> open = new();
            private readonly ConcurrentDictionary<int, string> lastStep = new();

            public PipelineReporter(ReleaseOpsCmdlet cmdlet, Action<Action> post)
            {
                this.cmdlet = cmdlet;
                this.post = post;
            }

            public void Verbose(string message) => post(() => cmdlet.WriteVerbose(message));

            public void Warning(string message) => post(() => cmdlet.WriteWarning(message));

            public void Debug(string message) => post(() => cmdlet.WriteDebug(message));

            public void Progress(int activityId, string activity, string status, int percent, int parentActivityId = -1)
            {
                open[activityId] = activity;
                if (cmdlet.StepsToInformation && !string.IsNullOrEmpty(status) && (!lastStep.TryGetValue(activityId, out var last) || last != status))
                {
                    // Under Jenkins the console log is the output: one concise line per step, on the information stream.
                    lastStep[activityId] = status;
                    var line = $"{activity}: {status}";
                    post(() => cmdlet.WriteInformation(line, new[] { "ReleaseOps", "Step" }));
                }

                post(() => cmdlet.WriteProgress(new ProgressRecord(activityId, activity, string.IsNullOrEmpty(status) ? activity : status)
                {
                    PercentComplete = Math.Max(-1, Math.Min(100, percent)),
                    ParentActivityId = parentActivityId,
                }));
            }

            public void CompleteProgress(int activityId, string activity)
            {
                open.TryRemove(activityId, out _);
                post(() => cmdlet.WriteProgress(Completed(activityId, activity)));
            }

            /// <summary>Closes what the engine left open (on failure or cancellation); runs on the pipeline thread.</summary>
            public void CompleteOpenActivities()
            {
                foreach (var pair in new List<KeyValuePair<int, string>>(open))
                {
                    open.TryRemove(pair.Key, out _);
                    if (cmdlet.Stopping)
                    {
                        // A stopped pipeline refuses every record (PipelineStoppedException); the host clears its
                        // progress display when the pipeline ends.
                        continue;
                    }

                    cmdlet.WriteProgress(Completed(pair.Key, pair.Value));
                }
            }

            private static ProgressRecord Completed(int id, string activity) =>
                new(id, activity, "Completed") { RecordType = ProgressRecordType.Completed, PercentComplete = 100 };
        }
    }
}
