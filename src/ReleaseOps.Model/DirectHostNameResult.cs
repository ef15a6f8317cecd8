namespace ReleaseOps
{
    /// <summary>The name that reaches a node itself, bypassing load balancers and CDNs.</summary>
    public sealed class DirectHostNameResult
    {
        /// <summary>Creates a result.</summary>
        public DirectHostNameResult(string inputName, string hostName, string directHostName, DirectNameRule rule)
        {
            InputName = inputName;
            HostName = hostName;
            DirectHostName = directHostName;
            Rule = rule;
        }

        /// <summary>The name as it was given.</summary>
        public string InputName { get; }

        /// <summary>The normalized public name: lower case, ASCII (punycode), no trailing dot, no leading www.</summary>
        public string HostName { get; }

        /// <summary>The direct name, for example direct.cryptsend.io or kmc-direct.countable.ca.</summary>
        public string DirectHostName { get; }

        /// <summary>The direct name again, under a short name for scripts (<c>(Resolve-DirectHostName x).Direct</c>).</summary>
        public string Direct => DirectHostName;

        /// <summary>Which rule produced the direct name.</summary>
        public DirectNameRule Rule { get; }

        /// <inheritdoc />
        public override string ToString() => DirectHostName;
    }
}
