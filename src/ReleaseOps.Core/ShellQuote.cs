using System;
using System.Collections.Generic;
using System.Linq;

namespace ReleaseOps.Core
{
    /// <summary>
    /// Quotes arguments for a POSIX shell (sh, bash, dash) on a node. Every value that reaches a remote shell goes
    /// through here: "x; rm -rf /" arrives as one literal argument.
    /// </summary>
    public static class ShellQuote
    {
        /// <summary>Quotes one argument: safe words stay as they are, everything else goes in single quotes.</summary>
        public static string Quote(string value)
        {
            if (value is null)
            {
                throw new ArgumentNullException(nameof(value));
            }

            if (value.IndexOf('\0') >= 0)
            {
                throw new ReleaseOpsException(ErrorIds.InvalidShellArgument, FailureCategory.InvalidArgument,
                    "An argument contains a NUL character, which no shell can pass.", "Remove the NUL character from the value.", value);
            }

            if (value.Length > 0 && value.All(IsSafe))
            {
                return value;
            }

            // Inside single quotes nothing is special except the quote itself, which is closed, escaped and reopened.
            return "'" + value.Replace("'", "'\\''") + "'";
        }

        /// <summary>Joins arguments into one command line, each quoted.</summary>
        public static string Join(IEnumerable<string> arguments) => string.Join(" ", arguments.Select(Quote));

        /// <summary>
        /// A command line followed by quoted arguments. The command is the admin's own shell text; the arguments are
        /// values. With arguments, the command runs as a script that sees them as "$1", "$2", ...
        /// </summary>
        public static string WithArguments(string command, IReadOnlyList<string>? arguments)
        {
            if (arguments is null || arguments.Count == 0)
            {
                return command;
            }

            return "sh -c " + Quote(command) + " releaseops " + Join(arguments);
        }

        /// <summary>Runs a command line as root: as it is for root, through sudo -n (never prompting) otherwise.</summary>
        public static string AsRoot(string commandLine, bool isRoot) =>
            isRoot ? commandLine : "sudo -n -- sh -c " + Quote(commandLine);

        private static bool IsSafe(char c) =>
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "_-./:=@%+,".IndexOf(c) >= 0;
    }
}
