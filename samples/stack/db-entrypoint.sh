#!/bin/sh
# The db service: PostgreSQL 15 with its data in $PGDATA (a bind mount of the node's /var/lib/shop/pgdata) and the
# database "shop". It starts as root only to own its folders, then runs as postgres. No TCP: the socket folder
# /run/postgresql (libpq's default, so docker-compose exec -T db psql/pg_dump/pg_restore --username=postgres just work)
# is a volume shared with web, so databases on two nodes of one network never meet on a port. Unless the node's env
# file sets DB_ADDRESS (an address of that node only): then it listens there too, on 5432, which a migration's logical
# replication needs (the subscription connects over TCP, through an SSH forward). TCP connections need a password
# (scram-sha-256); the socket trusts, as before.
set -eu
bin=/usr/lib/postgresql/15/bin
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }
mkdir -p "$PGDATA" /run/postgresql
chown postgres:postgres "$PGDATA" /run/postgresql
chmod 0700 "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  as_postgres "$bin/initdb" --auth-local=trust --auth-host=scram-sha-256 --username=postgres --encoding=UTF8 --locale=C.UTF-8 -D "$PGDATA" >/dev/null
  echo 'CREATE DATABASE shop;' | as_postgres "$bin/postgres" --single -D "$PGDATA" -c jit=off postgres >/dev/null
fi
exec setpriv --reuid=postgres --regid=postgres --init-groups "$bin/postgres" -D "$PGDATA" \
  -c listen_addresses="${DB_ADDRESS:-}" -c unix_socket_directories=/run/postgresql -c jit=off
