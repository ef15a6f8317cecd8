using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Amazon;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using ReleaseOps.Core.Ssh;

namespace ReleaseOps.Core.Providers
{
    /// <summary>
    /// AWS EC2 through AWSSDK.EC2, with the SDK's credential chain and retries. RunInstances carries a ClientToken
    /// derived from the request, so a repeated or retried call returns the same instance; the instance is also
    /// found by its tags first. The SDK has no waiters, so DescribeInstances is polled as botocore's
    /// instance_running waiter does (InvalidInstanceID.NotFound means "not yet").
    /// </summary>
    public sealed class AwsProvider : INodeProvider
    {
        /// <summary>Canonical's account, which publishes the Ubuntu AMIs.</summary>
        public const string CanonicalOwner = "099720109477";

        private const string ProjectKey = "releaseops:project";
        private const string StoppedKey = "releaseops:stack-stopped";
        private const string RoleKey = "releaseops:role";
        private static readonly Regex UbuntuAmi = new(@"ubuntu-[a-z]+-(\d+)\.(\d+)-amd64-server-", RegexOptions.CultureInvariant);
        private readonly AmazonEC2Client ec2;
        private readonly ProviderSettings settings;
        private readonly IOperationReporter reporter;
        private readonly string region;
        private int requests;

        public AwsProvider(ProviderSettings settings, IOperationReporter reporter)
        {
            this.settings = settings;
            this.reporter = reporter;
            region = settings.AwsRegion ?? "ca-central-1";
            var config = new AmazonEC2Config { RegionEndpoint = RegionEndpoint.GetBySystemName(region), MaxErrorRetry = settings.Retry.MaxRetries };
            var endpoint = settings.AwsEndpoint?.ToString() ??
                (Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_EC2") is { Length: > 0 } e ? e : Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL"));
            if (!string.IsNullOrEmpty(endpoint))
            {
                config.ServiceURL = endpoint;
                config.AuthenticationRegion = region;
            }

            ec2 = Credentials() is { } credentials ? new AmazonEC2Client(credentials, config) : new AmazonEC2Client(config);
            ec2.BeforeRequestEvent += (_, _) => Interlocked.Increment(ref requests);
        }

        /// <inheritdoc />
        public HostingProvider Kind => HostingProvider.Aws;

        /// <inheritdoc />
        public int RequestCount => Volatile.Read(ref requests);

        /// <inheritdoc />
        public async Task<ProjectNode> CreateAsync(NodeRequest request, CancellationToken token)
        {
            var name = request.Name;
            NodeNaming.ValidateRole(request.Role);
            var existing = (await FindAsync(request.Project, name, token).ConfigureAwait(false))
                .FirstOrDefault(i => (i.Tags ?? new List<Tag>()).FirstOrDefault(t => t.Key == RoleKey)?.Value == request.Role);
            string id;
            if (existing is not null)
            {
                reporter.Verbose($"EC2 instance {name} ({existing.InstanceId}) already exists; it is not created again.");
                request.FoundExisting = true;
                id = existing.InstanceId;
            }
            else
            {
                var sizes = await ListSizesAsync(region, token).ConfigureAwait(false);
                var size = request.Size is { } explicitSize
                    ? ProviderSteps.RequireSize(Kind, sizes, region, explicitSize)
                    : ProviderSteps.ChooseSize(Kind, sizes, region, request.MemoryGB, request.DiskGB);
                var image = await LatestUbuntuAsync(token).ConfigureAwait(false);
                var keyName = await EnsureKeyAsync(request.PublicKeys, token).ConfigureAwait(false);
                var clientToken = ClientToken(region, request.Role is null ? name : name + "/" + request.Role, size.Name, image.ImageId, request.DiskGB);
                reporter.Verbose($"Creating EC2 instance {name} in {region}: {size.Name}, {image.Name} ({image.ImageId}), client token {clientToken}.");
                var tags = new List<Tag> { new("Name", name), new(ProjectKey, request.Project), new(NodeNaming.ManagedTag, "true") };
                if (request.Role is not null)
                {
                    tags.Add(new Tag(RoleKey, request.Role));
                }

                var run = new RunInstancesRequest
                {
                    ImageId = image.ImageId,
                    InstanceType = InstanceType.FindValue(size.Name),
                    KeyName = keyName,
                    MinCount = 1,
                    MaxCount = 1,
                    ClientToken = clientToken,
                    TagSpecifications = new List<TagSpecification>
                    {
                        new() { ResourceType = ResourceType.Instance, Tags = tags },
                        new() { ResourceType = ResourceType.Volume, Tags = tags },
                    },
                    BlockDeviceMappings = new List<BlockDeviceMapping>
                    {
                        new() { DeviceName = image.RootDeviceName ?? "/dev/sda1", Ebs = new EbsBlockDevice { VolumeSize = request.DiskGB, VolumeType = VolumeType.Gp3, DeleteOnTermination = true } },
                    },
                };
                var response = await Call("RunInstances", () => ec2.RunInstancesAsync(run, token)).ConfigureAwait(false);
                var instance = response.Reservation?.Instances?.FirstOrDefault() ?? throw Invalid("RunInstances returned no instance");
                if (instance.State?.Name == InstanceStateName.Terminated || instance.State?.Name == InstanceStateName.ShuttingDown)
                {
                    // The token is remembered for a day after termination: a new node needs a new token.
                    run.ClientToken = clientToken + "-" + DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
                    response = await Call("RunInstances", () => ec2.RunInstancesAsync(run, token)).ConfigureAwait(false);
                    instance = response.Reservation?.Instances?.FirstOrDefault() ?? throw Invalid("RunInstances returned no instance");
                }

                id = instance.InstanceId;
            }

            var running = await ProviderSteps.PollAsync($"Waiting for EC2 instance {name} to run", async _ =>
            {
                Instance? i;
                try
                {
                    var d = await Call("DescribeInstances", () => ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = new List<string> { id } }, token)).ConfigureAwait(false);
                    i = d.Reservations?.SelectMany(r => r.Instances ?? new List<Instance>()).FirstOrDefault();
                }
                catch (ReleaseOpsException ex) when (ex.ProviderCode == "InvalidInstanceID.NotFound")
                {
                    return null;
                }

                var state = i?.State?.Name?.Value;
                if (state is "terminated" or "shutting-down" or "stopping")
                {
                    throw new ReleaseOpsException(ErrorIds.NodeNotRunning, FailureCategory.InvalidResult, $"EC2 instance {name} ({id}) is {state}, not running: {i?.StateReason?.Message}",
                        "Check the instance's state reason in the EC2 console; remove it and create it again.", id);
                }

                return state == "running" && !string.IsNullOrEmpty(i!.PublicIpAddress) ? i : null;
            }, settings.CreateTimeout, settings.PollInterval, reporter, token, ErrorIds.NodeCreateTimeout,
                "The instance may still start. Run the same New-ProjectNode again: it finds the instance and waits for it.", name).ConfigureAwait(false);
            return ToNode(running);
        }

        /// <inheritdoc />
        public async Task<IReadOnlyList<ProjectNode>> ListAsync(string? project, CancellationToken token)
        {
            var filters = new List<Filter> { new("instance-state-name", new List<string> { "pending", "running", "stopping", "stopped" }) };
            filters.Add(project is null ? new Filter("tag-key", new List<string> { ProjectKey }) : new Filter("tag:" + ProjectKey, new List<string> { project }));
            return (await DescribeAsync(filters, token).ConfigureAwait(false)).Select(ToNode).OrderBy(n => n.Name, StringComparer.Ordinal).ToList();
        }

        /// <inheritdoc />
        public async Task RemoveAsync(ProjectNode node, CancellationToken token) =>
            await Call("TerminateInstances", () => ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = new List<string> { node.Id } }, token)).ConfigureAwait(false);

        /// <inheritdoc />
        public async Task<NodeSnapshot> SnapshotAsync(ProjectNode node, string name, CancellationToken token)
        {
            // NoReboot=false: EC2 stops the instance's I/O for a consistent (offline) image.
            var created = await Call("CreateImage", () => ec2.CreateImageAsync(new CreateImageRequest
            {
                InstanceId = node.Id,
                Name = name,
                NoReboot = false,
                TagSpecifications = new List<TagSpecification> { new() { ResourceType = ResourceType.Image, Tags = new List<Tag> { new("releaseops:node", node.Id), new("Name", name) } } },
            }, token)).ConfigureAwait(false);
            var image = await ProviderSteps.PollAsync($"Snapshot {name} of {node.Name}", async _ =>
            {
                var d = await Call("DescribeImages", () => ec2.DescribeImagesAsync(new DescribeImagesRequest { ImageIds = new List<string> { created.ImageId } }, token)).ConfigureAwait(false);
                var i = d.Images?.FirstOrDefault();
                if (i?.State == ImageState.Failed)
                {
                    throw new ReleaseOpsException(ErrorIds.SnapshotFailed, FailureCategory.InvalidResult, $"EC2 reports that the image {name} of {node.Name} failed: {i.StateReason?.Message}",
                        "Check the image in the EC2 console, then take it again.", node);
                }

                return i?.State == ImageState.Available ? i : null;
            }, settings.SnapshotTimeout, settings.PollInterval, reporter, token, ErrorIds.SnapshotTimeout, "The image may still complete; list it later with Get-NodeSnapshot.", node).ConfigureAwait(false);
            return ToSnapshot(image, node);
        }

        /// <inheritdoc />
        public async Task<IReadOnlyList<NodeSnapshot>> ListSnapshotsAsync(ProjectNode? node, CancellationToken token)
        {
            var filters = new List<Filter> { node is null ? new Filter("tag-key", new List<string> { "releaseops:node" }) : new Filter("tag:releaseops:node", new List<string> { node.Id }) };
            var d = await Call("DescribeImages", () => ec2.DescribeImagesAsync(new DescribeImagesRequest { Owners = new List<string> { "self" }, Filters = filters }, token)).ConfigureAwait(false);
            return (d.Images ?? new List<Image>()).Select(i => ToSnapshot(i, node)).ToList();
        }

        /// <inheritdoc />
        public async Task<IReadOnlyList<NodeSize>> ListSizesAsync(string? region, CancellationToken token)
        {
            var sizes = new List<NodeSize>();
            string? next = null;
            do
            {
                var page = await Call("DescribeInstanceTypes", () => ec2.DescribeInstanceTypesAsync(new DescribeInstanceTypesRequest
                {
                    NextToken = next,
                    Filters = new List<Filter>
                    {
                        new("current-generation", new List<string> { "true" }),
                        new("processor-info.supported-architecture", new List<string> { "x86_64" }),
                    },
                }, token)).ConfigureAwait(false);
                foreach (var t in page.InstanceTypes ?? new List<InstanceTypeInfo>())
                {
                    sizes.Add(new NodeSize
                    {
                        Name = t.InstanceType?.Value ?? string.Empty,
                        MemoryGB = (t.MemoryInfo?.SizeInMiB ?? 0) / 1024.0,
                        Cpus = t.VCpuInfo?.DefaultVCpus ?? 0,
                    });
                }

                next = page.NextToken;
            }
            while (!string.IsNullOrEmpty(next));
            return ProviderCatalog.Record(Kind, sizes, region);
        }

        /// <inheritdoc />
        public async Task TagAsync(ProjectNode node, string tag, CancellationToken token)
        {
            var colon = tag.IndexOf(':');
            var key = tag.StartsWith(NodeNaming.StackStoppedPrefix, StringComparison.Ordinal) ? StoppedKey : colon > 0 ? tag.Substring(0, colon) : tag;
            var value = colon > 0 ? tag.Substring(colon + 1) : string.Empty;
            await Call("CreateTags", () => ec2.CreateTagsAsync(new CreateTagsRequest { Resources = new List<string> { node.Id }, Tags = new List<Tag> { new(key, value) } }, token)).ConfigureAwait(false);
        }

        /// <summary>Canonical's newest Ubuntu LTS AMI for amd64 in the region.</summary>
        public async Task<Image> LatestUbuntuAsync(CancellationToken token)
        {
            var d = await Call("DescribeImages", () => ec2.DescribeImagesAsync(new DescribeImagesRequest
            {
                Owners = new List<string> { CanonicalOwner },
                Filters = new List<Filter>
                {
                    new("name", new List<string> { "ubuntu/images/hvm-ssd*/ubuntu-*-amd64-server-*" }),
                    new("state", new List<string> { "available" }),
                    new("architecture", new List<string> { "x86_64" }),
                },
            }, token)).ConfigureAwait(false);
            var best = (d.Images ?? new List<Image>())
                .Select(i => (Image: i, Match: UbuntuAmi.Match(i.Name ?? string.Empty)))
                .Where(x => x.Match.Success)
                .Select(x => (x.Image, Major: int.Parse(x.Match.Groups[1].Value, CultureInfo.InvariantCulture), Minor: int.Parse(x.Match.Groups[2].Value, CultureInfo.InvariantCulture)))
                .Where(x => ProviderSteps.IsLts(x.Major, x.Minor))
                .OrderByDescending(x => x.Major).ThenByDescending(x => x.Image.CreationDate, StringComparer.Ordinal)
                .Select(x => x.Image)
                .FirstOrDefault();
            return best ?? throw new ReleaseOpsException(ErrorIds.NoUbuntuImage, FailureCategory.ObjectNotFound, $"Canonical ({CanonicalOwner}) publishes no Ubuntu LTS AMI in {region} that this account can see.",
                "Check the region, or that the account may describe public images.", region);
        }

        /// <inheritdoc />
        public void Dispose() => ec2.Dispose();

        /// <summary>The ClientToken of a creation: the same request gives the same token (64 characters at most).</summary>
        public static string ClientToken(string region, string name, string size, string image, int disk)
        {
            using var sha = SHA256.Create();
            var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(string.Join("|", region, name, size, image, disk.ToString(CultureInfo.InvariantCulture))));
            return "releaseops-" + string.Concat(hash.Take(16).Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
        }

        private AWSCredentials? Credentials()
        {
            if (settings.AwsAccessKeyId is not null && settings.AwsSecretAccessKey is not null)
            {
                return new BasicAWSCredentials(settings.AwsAccessKeyId, settings.AwsSecretAccessKey);
            }

            if (settings.AwsProfile is { } profile)
            {
                if (new CredentialProfileStoreChain().TryGetAWSCredentials(profile, out var credentials))
                {
                    return credentials;
                }

                throw new ReleaseOpsException(ErrorIds.ProviderCredentialsMissing, FailureCategory.AuthenticationError, $"There is no AWS profile '{profile}' in the shared credentials or config files.",
                    "Create it with aws configure --profile, or pass another -AwsProfile.", profile);
            }

            return null;
        }

        /// <summary>An EC2 tag as the text of a node's tag (releaseops:project=cortico gives project:cortico, Name=x gives Name:x).</summary>
        public static string TagText(string key, string value) => key switch
        {
            ProjectKey => NodeNaming.ProjectTag(value),
            StoppedKey => NodeNaming.StackStoppedPrefix + value,
            RoleKey => "role:" + value,
            NodeNaming.ManagedTag => NodeNaming.ManagedTag,
            _ => key + ":" + value,
        };

        /// <summary>The name ReleaseOps gives a public key it imports into EC2: releaseops- and 16 characters of its SHA-256 fingerprint.</summary>
        public static string KeyNameFor(PublicKey key) =>
            "releaseops-" + key.Fingerprint.Replace("SHA256:", string.Empty).Replace("/", "_").Replace("+", "-").Substring(0, 16);

        private async Task<string> EnsureKeyAsync(IReadOnlyList<string> keys, CancellationToken token)
        {
            var key = keys.Count > 0 ? PublicKey.Parse(keys[0]) : throw new ReleaseOpsException(ErrorIds.NoPublicKey, FailureCategory.ObjectNotFound,
                "No public key was given to import into EC2.", "Pass -PublicKey, or create a key with ssh-keygen -t ed25519.", null);
            var keyName = KeyNameFor(key);
            try
            {
                await Call("DescribeKeyPairs", () => ec2.DescribeKeyPairsAsync(new DescribeKeyPairsRequest { KeyNames = new List<string> { keyName } }, token)).ConfigureAwait(false);
                return keyName;
            }
            catch (ReleaseOpsException ex) when (ex.ProviderCode == "InvalidKeyPair.NotFound")
            {
                await Call("ImportKeyPair", () => ec2.ImportKeyPairAsync(new ImportKeyPairRequest { KeyName = keyName, PublicKeyMaterial = PublicKeyMaterial(key) }, token)).ConfigureAwait(false);
                reporter.Verbose($"Imported the SSH key {key.Fingerprint} into EC2 as {keyName}.");
                return keyName;
            }
        }

        /// <summary>
        /// ImportKeyPair's PublicKeyMaterial is a blob in the service model: base64 on the wire. AWSSDK for .NET types it
        /// as a string and sends it as given (the CLI and botocore encode it for you), so the OpenSSH line is encoded here.
        /// </summary>
        public static string PublicKeyMaterial(PublicKey key) => Convert.ToBase64String(Encoding.UTF8.GetBytes(key.Line));

        private async Task<List<Instance>> FindAsync(string project, string name, CancellationToken token) =>
            await DescribeAsync(new List<Filter>
            {
                new("tag:" + ProjectKey, new List<string> { project }),
                new("tag:Name", new List<string> { name }),
                new("instance-state-name", new List<string> { "pending", "running", "stopping", "stopped" }),
            }, token).ConfigureAwait(false);

        private async Task<List<Instance>> DescribeAsync(List<Filter> filters, CancellationToken token)
        {
            var all = new List<Instance>();
            string? next = null;
            do
            {
                var page = await Call("DescribeInstances", () => ec2.DescribeInstancesAsync(new DescribeInstancesRequest { Filters = filters, NextToken = next, MaxResults = 1000 }, token)).ConfigureAwait(false);
                all.AddRange((page.Reservations ?? new List<Reservation>()).SelectMany(r => r.Instances ?? new List<Instance>()));
                next = page.NextToken;
            }
            while (!string.IsNullOrEmpty(next));
            return all;
        }

        private async Task<T> Call<T>(string action, Func<Task<T>> call)
        {
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch (AmazonEC2Exception ex)
            {
                var what = $"EC2 answered {ex.ErrorCode} to {action} in {region} (request id {ex.RequestId}): {ex.Message}";
                var failure = ex.ErrorCode switch
                {
                    "AuthFailure" or "UnrecognizedClientException" or "InvalidClientTokenId" or "SignatureDoesNotMatch" => new ReleaseOpsException(ErrorIds.ProviderAuthenticationFailed, FailureCategory.AuthenticationError, what,
                        "Check the AWS credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or -Credential).", action, ex),
                    "UnauthorizedOperation" => new ReleaseOpsException(ErrorIds.ProviderPermissionDenied, FailureCategory.PermissionDenied, what, "Give the IAM identity the EC2 permission the message names.", action, ex),
                    "InstanceLimitExceeded" or "VcpuLimitExceeded" or "ResourceLimitExceeded" => new ReleaseOpsException(ErrorIds.ProviderQuotaExceeded, FailureCategory.LimitsExceeded, what,
                        "Ask AWS for a higher limit (Service Quotas), or terminate instances that are no longer needed.", action, ex),
                    "RequestLimitExceeded" or "Throttling" => new ReleaseOpsException(ErrorIds.ProviderRateLimited, FailureCategory.LimitsExceeded, what, "Wait a few minutes, or run fewer operations at once.", action, ex),
                    "IdempotentParameterMismatch" => new ReleaseOpsException(ErrorIds.ProviderRequestRejected, FailureCategory.InvalidArgument, what,
                        "An earlier request with the same client token asked for something else; remove the instance or change the request.", action, ex),
                    _ when (int)ex.StatusCode >= 500 => new ReleaseOpsException(ErrorIds.ProviderUnavailable, FailureCategory.ResourceUnavailable, what, "Check the AWS Health Dashboard and run the command again.", action, ex),
                    _ => new ReleaseOpsException(ErrorIds.ProviderRequestRejected, FailureCategory.InvalidArgument, what, "Correct the value that EC2 names, then run the command again.", action, ex),
                };

                // EC2's Errors/Error/Code, which the SDK reads into ErrorCode.
                failure.ProviderCode = ex.ErrorCode;
                throw failure;
            }
            catch (AmazonServiceException ex) when (ex.InnerException is System.Net.Http.HttpRequestException or System.Net.WebException)
            {
                throw new ReleaseOpsException(ErrorIds.ProviderUnreachable, FailureCategory.ConnectionError, $"EC2 in {region} could not be reached for {action}: {ex.InnerException!.Message}",
                    "Check the network, a proxy, or AWS_ENDPOINT_URL_EC2.", action, ex);
            }
            catch (System.Net.Http.HttpRequestException ex)
            {
                throw new ReleaseOpsException(ErrorIds.ProviderUnreachable, FailureCategory.ConnectionError, $"EC2 in {region} could not be reached for {action}: {ex.Message}",
                    "Check the network, a proxy, or AWS_ENDPOINT_URL_EC2.", action, ex);
            }
            catch (AmazonClientException ex)
            {
                throw new ReleaseOpsException(ErrorIds.ProviderCredentialsMissing, FailureCategory.AuthenticationError, $"The AWS SDK could not prepare {action}: {ex.Message}",
                    "Set AWS credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE) and a region (AWS_REGION).", action, ex);
            }
        }

        private static ReleaseOpsException Invalid(string what) =>
            new(ErrorIds.ProviderInvalidResponse, FailureCategory.InvalidResult, $"EC2: {what}.", "Retry; if it persists, report it with the request id.", what);

        private ProjectNode ToNode(Instance i)
        {
            var tags = i.Tags ?? new List<Tag>();
            var name = tags.FirstOrDefault(t => t.Key == "Name")?.Value ?? i.InstanceId;
            var list = new List<string>();
            foreach (var t in tags)
            {
                list.Add(TagText(t.Key, t.Value));
            }

            return new ProjectNode
            {
                Provider = Kind,
                Id = i.InstanceId,
                Name = name,
                Project = NodeNaming.ProjectOf(name, list),
                Role = NodeNaming.RoleOf(list),
                Region = i.Placement?.AvailabilityZone ?? region,
                Size = i.InstanceType?.Value,
                PublicIPv4 = i.PublicIpAddress,
                PublicIPv6 = i.Ipv6Address,
                HostName = i.PublicIpAddress ?? string.Empty,
                User = "ubuntu",
                Created = i.LaunchTime is { } launched ? new DateTimeOffset(DateTime.SpecifyKind(launched, DateTimeKind.Utc)) : default,
                Tags = list,
                Status = i.State?.Name?.Value ?? string.Empty,
                Image = i.ImageId,
                KeyName = i.KeyName,
                ProviderTags = tags.GroupBy(t => t.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Value ?? string.Empty, StringComparer.Ordinal),
            };
        }

        private NodeSnapshot ToSnapshot(Image i, ProjectNode? node) => new()
        {
            Provider = Kind,
            Id = i.ImageId,
            Name = i.Name ?? string.Empty,
            NodeId = node?.Id ?? i.Tags?.FirstOrDefault(t => t.Key == "releaseops:node")?.Value ?? string.Empty,
            NodeName = node?.Name ?? string.Empty,
            Region = region,
            Status = i.State?.Value ?? string.Empty,
            Created = DateTimeOffset.TryParse(i.CreationDate, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var c) ? c : default,
        };
    }
}
