#!/usr/bin/env python3
"""The sample stack's web service: a stand-in for a Django app, in the standard library plus psycopg2.

  POST /items?key=K      inserts K (201 only after COMMIT; 409 if K exists); the table is created if absent
  GET  /items            {"count": n, "keys": [...]} in insertion order
  GET  /health           200 "ok" when the database answers, else 503
  PUT  /uploads/NAME     writes the body to the uploads folder (201; 507 when the disk is full)
  GET  /uploads/NAME     the file, or 404
  GET  /node             the hostname (the sandbox node's name)

It listens on $ADDRESS:$PORT (from the node's env file), connects to PostgreSQL per request (a migration may restore
and rename the database underneath it), and on SIGTERM stops accepting, finishes the requests in flight, then exits:
a write that was acknowledged is committed, and nothing is written after the answer to the last request.
"""
import errno
import json
import os
import re
import signal
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import psycopg2
import psycopg2.errors

ADDRESS = os.environ.get("ADDRESS", "127.0.0.1")
PORT = int(os.environ.get("PORT", "8000"))
UPLOADS = os.environ.get("UPLOADS", "/uploads")
DSN = os.environ.get("DATABASE_DSN", "host=/run/postgresql dbname=shop user=postgres connect_timeout=5")
NAME = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$")
CREATE = "CREATE TABLE IF NOT EXISTS items (id bigserial PRIMARY KEY, key text UNIQUE NOT NULL, created timestamptz NOT NULL DEFAULT now())"


def insert(key):
    """Inserts key; True if new, False if it exists. Returns only after COMMIT."""
    for attempt in range(3):
        conn = psycopg2.connect(DSN)
        try:
            with conn:  # commits on success, rolls back on error
                with conn.cursor() as cur:
                    if attempt:
                        cur.execute(CREATE)
                    cur.execute("INSERT INTO items (key) VALUES (%s) ON CONFLICT (key) DO NOTHING", (key,))
                    return cur.rowcount == 1
        except (psycopg2.errors.UndefinedTable, psycopg2.errors.UniqueViolation):
            continue  # first write to a fresh database (or two of them racing to create the table)
        finally:
            conn.close()
    raise RuntimeError("could not create the items table")


def keys():
    conn = psycopg2.connect(DSN)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("SELECT to_regclass('items') IS NOT NULL")
            if not cur.fetchone()[0]:
                return []
            cur.execute("SELECT key FROM items ORDER BY id")
            return [row[0] for row in cur.fetchall()]
    finally:
        conn.close()


class Handler(BaseHTTPRequestHandler):
    server_version = "shop/1"

    def send(self, status, body, kind="text/plain; charset=utf-8"):
        data = body if isinstance(body, bytes) else body.encode()
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def upload_path(self, path):
        name = path[len("/uploads/"):]
        return os.path.join(UPLOADS, name) if NAME.match(name) else None

    def do_GET(self):
        path = urlsplit(self.path).path
        try:
            if path == "/health":
                conn = psycopg2.connect(DSN)
                conn.close()
                self.send(200, "ok\n")
            elif path == "/node":
                self.send(200, socket.gethostname() + "\n")
            elif path == "/items":
                found = keys()
                self.send(200, json.dumps({"count": len(found), "keys": found}), "application/json")
            elif path.startswith("/uploads/"):
                file = self.upload_path(path)
                if file is None or not os.path.isfile(file):
                    self.send(404, "no such upload\n")
                else:
                    with open(file, "rb") as f:
                        self.send(200, f.read(), "application/octet-stream")
            else:
                self.send(404, "not found\n")
        except psycopg2.Error as e:
            self.send(503, "database: %s\n" % str(e).strip())

    def do_POST(self):
        split = urlsplit(self.path)
        if split.path != "/items":
            return self.send(404, "not found\n")
        body = self.body().decode(errors="replace").strip()
        key = (parse_qs(split.query).get("key") or [body])[0]
        if not key or len(key) > 200:
            return self.send(400, "give a key: POST /items?key=K, or the key as the body\n")
        try:
            self.send(201 if insert(key) else 409, key + "\n")
        except (psycopg2.Error, RuntimeError) as e:
            self.send(503, "database: %s\n" % str(e).strip())

    def do_PUT(self):
        path = urlsplit(self.path).path
        file = self.upload_path(path) if path.startswith("/uploads/") else None
        if file is None:
            return self.send(404, "PUT /uploads/NAME (letters, digits, . _ -)\n")
        data = self.body()
        try:
            with open(file + ".part", "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(file + ".part", file)
            self.send(201, "%d bytes\n" % len(data))
        except OSError as e:
            try:
                os.unlink(file + ".part")
            except OSError:
                pass
            self.send(507 if e.errno == errno.ENOSPC else 500, "%s\n" % e.strerror)

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.address_string(), fmt % args))


class Server(ThreadingHTTPServer):
    daemon_threads = False  # server_close() joins the request threads: in-flight requests finish
    block_on_close = True
    request_queue_size = 64


def main():
    server = Server((ADDRESS, PORT), Handler)

    def stop(signum, frame):
        # shutdown() waits for serve_forever() to return, so it runs on another thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print("shop listens on http://%s:%d (uploads in %s)" % (ADDRESS, PORT, UPLOADS), flush=True)
    server.serve_forever(poll_interval=0.2)
    server.server_close()  # closes the listener (waiting connections are refused) and joins requests in flight
    print("shop stopped", flush=True)


if __name__ == "__main__":
    main()
