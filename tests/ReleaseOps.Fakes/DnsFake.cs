using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;

namespace ReleaseOps.Fakes
{
    /// <summary>
    /// An authoritative DNS server on UDP loopback (RFC 1035 wire format) that answers from the DigitalOcean fake's
    /// domains, as DigitalOcean's name servers answer from its Domains API: A, AAAA, CNAME, TXT and NS, with the AA
    /// bit; NXDOMAIN for a name the zone lacks; REFUSED for a zone it does not hold.
    /// </summary>
    public sealed class DnsFake : IDisposable
    {
        private readonly UdpClient udp;
        private readonly CancellationTokenSource stop = new();

        private DnsFake(UdpClient udp)
        {
            this.udp = udp;
        }

        public static DnsFake Start(FakeState state, int port)
        {
            var fake = new DnsFake(new UdpClient(new IPEndPoint(IPAddress.Loopback, port)));
            _ = Task.Run(() => fake.LoopAsync(state));
            return fake;
        }

        public void Dispose()
        {
            stop.Cancel();
            udp.Dispose();
            stop.Dispose();
        }

        private async Task LoopAsync(FakeState state)
        {
            while (!stop.IsCancellationRequested)
            {
                UdpReceiveResult packet;
                try
                {
                    packet = await udp.ReceiveAsync(stop.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
                {
                    return;
                }

                try
                {
                    var answer = Answer(state, packet.Buffer);
                    if (answer is not null)
                    {
                        await udp.SendAsync(answer, answer.Length, packet.RemoteEndPoint);
                    }
                }
                catch (Exception ex) when (ex is IndexOutOfRangeException or ArgumentException)
                {
                    // A malformed query gets no answer, as from a real server under load.
                }
            }
        }

        private static byte[]? Answer(FakeState state, byte[] query)
        {
            if (query.Length < 12)
            {
                return null;
            }

            var (name, end) = ReadName(query, 12);
            var type = (query[end] << 8) | query[end + 1];
            var question = query.AsSpan(12, end + 4 - 12).ToArray();
            var answers = new List<byte[]>();
            var rcode = 0;
            lock (state.Gate)
            {
                var zone = state.Domains.Keys.Where(z => name.Equals(z, StringComparison.OrdinalIgnoreCase) || name.EndsWith("." + z, StringComparison.OrdinalIgnoreCase))
                    .OrderByDescending(z => z.Length).FirstOrDefault();
                if (zone is null)
                {
                    rcode = 5;
                }
                else
                {
                    var records = state.Domains[zone].Where(r => string.Equals(DigitalOceanFake.FullName(r["name"]!.GetValue<string>(), zone), name, StringComparison.OrdinalIgnoreCase)).ToList();
                    if (records.Count == 0)
                    {
                        rcode = 3;
                    }

                    foreach (var r in records)
                    {
                        var rtype = r["type"]!.GetValue<string>();
                        var code = rtype switch { "A" => 1, "NS" => 2, "CNAME" => 5, "TXT" => 16, "AAAA" => 28, _ => 0 };
                        if (code == 0 || (code != type && !(code == 5 && type != 5)))
                        {
                            continue;
                        }

                        var data = r["data"]!.GetValue<string>();
                        var rdata = code switch
                        {
                            1 or 28 => IPAddress.Parse(data).GetAddressBytes(),
                            16 => new[] { (byte)Math.Min(255, data.Length) }.Concat(Encoding.ASCII.GetBytes(data).Take(255)).ToArray(),
                            _ => WriteName(data.TrimEnd('.')),
                        };
                        var ttl = int.Parse(r["ttl"]!.ToString(), System.Globalization.CultureInfo.InvariantCulture);
                        answers.Add(WriteName(name).Concat(new byte[] { (byte)(code >> 8), (byte)code, 0, 1 })
                            .Concat(BitConverter.GetBytes(IPAddress.HostToNetworkOrder(ttl)))
                            .Concat(new[] { (byte)(rdata.Length >> 8), (byte)rdata.Length }).Concat(rdata).ToArray());
                    }
                }
            }

            // Header: the query's id, QR + AA (+ RD copied), the rcode, one question, the answers.
            var header = new byte[12];
            header[0] = query[0];
            header[1] = query[1];
            header[2] = (byte)(0x84 | (query[2] & 0x01));
            header[3] = (byte)rcode;
            header[5] = 1;
            header[7] = (byte)answers.Count;
            return header.Concat(question).Concat(answers.SelectMany(a => a)).ToArray();
        }

        private static (string Name, int End) ReadName(byte[] buffer, int offset)
        {
            var labels = new List<string>();
            while (buffer[offset] != 0)
            {
                var length = buffer[offset];
                labels.Add(Encoding.ASCII.GetString(buffer, offset + 1, length));
                offset += length + 1;
            }

            return (string.Join(".", labels), offset + 1);
        }

        private static byte[] WriteName(string name) =>
            name.Split('.', StringSplitOptions.RemoveEmptyEntries).SelectMany(l => new[] { (byte)l.Length }.Concat(Encoding.ASCII.GetBytes(l))).Append((byte)0).ToArray();
    }
}
