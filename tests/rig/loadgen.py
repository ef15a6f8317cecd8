#!/usr/bin/env python3
"""A bounded load generator for the Docker test rig: POSTs sequential unique keys to one URL on loopback.

  python3 loadgen.py --url http://127.0.0.70:8000/items --acked /var/tmp/run/acked.txt
                     [--prefix run1] [--rate 20] [--duration 10] [--stop-file F] [--timeout 2] [--summary F]

Each request is POST <url>?key=<prefix>-<n> (n = 1, 2, ...), one at a time, at most --rate per second, until
--duration seconds pass or --stop-file exists. Every key answered 201 is appended to --acked at once (flushed and
fsynced per line), so the file lists the writes the service acknowledged even if this process is killed. Redirects
are not followed (http.client), and anything but an IPv4 address in 127.0.0.0/8 is refused: the rig never leaves
loopback. The summary (JSON: sent, acked, errors, by_status, seconds, longest_gap: the most seconds between two acknowledged writes) goes to stdout and to --summary if given.
"""
import argparse
import http.client
import ipaddress
import json
import os
import sys
import time
from urllib.parse import quote, urlsplit

LOOPBACK = ipaddress.ip_network("127.0.0.0/8")


def loopback_target(url):
    """(host, port, path) for an http:// URL whose host is an IPv4 literal in 127.0.0.0/8; raises ValueError otherwise."""
    split = urlsplit(url)
    if split.scheme != "http":
        raise ValueError("only http:// URLs: %r" % url)
    try:
        address = ipaddress.ip_address(split.hostname or "")
    except ValueError:
        raise ValueError("the host must be an IPv4 address in 127.0.0.0/8, not a name: %r" % split.hostname)
    if address.version != 4 or address not in LOOPBACK:
        raise ValueError("refusing %s: the load generator targets only 127.0.0.0/8" % address)
    return str(address), split.port or 80, split.path or "/"


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", required=True)
    p.add_argument("--acked", required=True, help="file to append acknowledged keys to, one per line")
    p.add_argument("--prefix", default="k")
    p.add_argument("--rate", type=float, default=20.0, help="requests per second at most (max 500)")
    p.add_argument("--duration", type=float, default=10.0, help="seconds at most (max 600)")
    p.add_argument("--stop-file", help="stop as soon as this file exists")
    p.add_argument("--timeout", type=float, default=2.0)
    p.add_argument("--summary")
    a = p.parse_args(argv)
    try:
        host, port, path = loopback_target(a.url)
    except ValueError as e:
        print("loadgen: %s" % e, file=sys.stderr)
        return 2
    if not (0 < a.rate <= 500 and 0 < a.duration <= 600):
        print("loadgen: --rate must be in (0, 500] and --duration in (0, 600]", file=sys.stderr)
        return 2

    interval = 1.0 / a.rate
    start = time.monotonic()
    sent = acked = errors = 0
    # The longest time between two acknowledged writes: what a user of the service saw as downtime.
    last_ack, longest_gap = None, 0.0
    by_status = {}
    with open(a.acked, "a") as out:
        n = 0
        while time.monotonic() - start < a.duration and not (a.stop_file and os.path.exists(a.stop_file)):
            n += 1
            key = "%s-%06d" % (a.prefix, n)
            sent += 1
            status = "error"
            conn = http.client.HTTPConnection(host, port, timeout=a.timeout)
            try:
                conn.request("POST", "%s?key=%s" % (path, quote(key)), body=b"", headers={"Connection": "close"})
                response = conn.getresponse()
                response.read()
                status = str(response.status)
            except (OSError, http.client.HTTPException) as e:
                status = type(e).__name__
            finally:
                conn.close()
            by_status[status] = by_status.get(status, 0) + 1
            if status == "201":
                now = time.monotonic()
                if last_ack is not None:
                    longest_gap = max(longest_gap, now - last_ack)
                last_ack = now
                acked += 1
                out.write(key + "\n")
                out.flush()
                os.fsync(out.fileno())
            else:
                errors += 1
            delay = start + n * interval - time.monotonic()
            if delay > 0:
                time.sleep(delay)
    summary = {"sent": sent, "acked": acked, "errors": errors, "by_status": by_status,
               "seconds": round(time.monotonic() - start, 2), "longest_gap": round(longest_gap, 3)}
    text = json.dumps(summary, sort_keys=True)
    print(text, flush=True)
    if a.summary:
        with open(a.summary, "w") as f:
            f.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
