#!/usr/bin/env python3
"""A hostile SFTP (version 3) server for tests: sshd runs it as the session's command (ForceCommand), so a real SSH
client meets a node that lies about names. Every folder it lists holds ok.txt and one entry named by argv[1] (such as
"../../../../tmp/x" or "/tmp/x"), which no real file system could hold; that entry is a regular file too. Only what
a download needs is answered: INIT, REALPATH, STAT/LSTAT/FSTAT, OPENDIR/READDIR, OPEN/READ, CLOSE."""
import struct
import sys

HOSTILE = sys.argv[1]
CONTENT = b"payload from a hostile node\n"
inp, out = sys.stdin.buffer, sys.stdout.buffer


def read_exact(n):
    data = b""
    while len(data) < n:
        chunk = inp.read(n - len(data))
        if not chunk:
            sys.exit(0)
        data += chunk
    return data


def s(b):
    if isinstance(b, str):
        b = b.encode("utf-8", "surrogateescape")
    return struct.pack(">I", len(b)) + b


def attrs(directory, size=0):
    mode = (0o040755 if directory else 0o100644)
    return struct.pack(">IQI", 0x1 | 0x4, size, mode)


def send(kind, payload):
    out.write(struct.pack(">IB", len(payload) + 1, kind) + payload)
    out.flush()


def status(rid, code, msg=""):
    send(101, struct.pack(">II", rid, code) + s(msg) + s(""))


class Reader:
    def __init__(self, data):
        self.data, self.at = data, 0

    def u32(self):
        v = struct.unpack_from(">I", self.data, self.at)[0]
        self.at += 4
        return v

    def u64(self):
        v = struct.unpack_from(">Q", self.data, self.at)[0]
        self.at += 8
        return v

    def string(self):
        n = self.u32()
        v = self.data[self.at:self.at + n]
        self.at += n
        return v.decode("utf-8", "surrogateescape")


def is_dir(path):
    return path.rstrip("/") in ("", "/srv", "/srv/data") or path in ("/", ".")


handles, listed = {}, set()
while True:
    length = struct.unpack(">I", read_exact(4))[0]
    body = read_exact(length)
    kind, r = body[0], Reader(body[1:])
    if kind == 1:  # INIT
        send(2, struct.pack(">I", 3))
        continue
    rid = r.u32()
    if kind == 16:  # REALPATH: the path as asked, "." is /srv/data
        p = r.string()
        p = "/srv/data" if p in (".", "") else p
        send(104, struct.pack(">II", rid, 1) + s(p) + s(p) + attrs(is_dir(p)))
    elif kind in (17, 7):  # STAT, LSTAT
        p = r.string()
        send(105, struct.pack(">I", rid) + attrs(is_dir(p), 0 if is_dir(p) else len(CONTENT)))
    elif kind == 8:  # FSTAT
        h = r.string()
        send(105, struct.pack(">I", rid) + attrs(False, len(CONTENT)))
    elif kind == 11:  # OPENDIR
        p = r.string()
        h = "d%d" % len(handles)
        handles[h] = p
        send(102, struct.pack(">I", rid) + s(h))
    elif kind == 12:  # READDIR: one batch, then EOF
        h = r.string()
        if h in listed:
            status(rid, 1, "EOF")
            continue
        listed.add(h)
        entries = [(".", True), ("..", True), ("ok.txt", False), (HOSTILE, False)]
        payload = struct.pack(">II", rid, len(entries))
        for name, d in entries:
            payload += s(name) + s(name) + attrs(d, 0 if d else len(CONTENT))
        send(104, payload)
    elif kind == 3:  # OPEN
        p = r.string()
        h = "f%d" % len(handles)
        handles[h] = p
        send(102, struct.pack(">I", rid) + s(h))
    elif kind == 5:  # READ
        h = r.string()
        offset, n = r.u64(), r.u32()
        if offset >= len(CONTENT):
            status(rid, 1, "EOF")
        else:
            send(103, struct.pack(">I", rid) + s(CONTENT[offset:offset + n]))
    elif kind == 4:  # CLOSE
        status(rid, 0)
    else:
        status(rid, 8, "unsupported")
