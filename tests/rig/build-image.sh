#!/usr/bin/env bash
# Builds the Docker test rig's image once and caches it under /var/tmp/releaseops-rig (no registry is reachable here):
# a minbase Debian bookworm root (debootstrap) with python3, psycopg2 and PostgreSQL 15, exported as a plain
# root filesystem tar that each sandbox node's own dockerd imports (tests/Pester/DockerFixtures.psm1).
# Idempotent: exits at once when image.tar exists and image.recipe holds this script's hash (the recipe is this file).
# Needs root, debootstrap and the Debian mirror (the only step of the rig that leaves the machine; the tests do not).
# Usage: sudo tests/rig/build-image.sh [cache-folder]   (prints the cache folder's image.tar path last)
set -euo pipefail
cache=${1:-/var/tmp/releaseops-rig}
mirror=${RELEASEOPS_RIG_MIRROR:-http://deb.debian.org/debian}
packages="python3 python3-psycopg2 postgresql-15"
# The stack uses compose's init: true (dockerd's docker-init, from the host), so the image needs no tini.
recipe=$(sha256sum "$0" | cut -c1-16)

if [ -f "$cache/image.tar" ] && [ "$(cat "$cache/image.recipe" 2>/dev/null)" = "$recipe" ]; then
  echo "cached: $cache/image.tar (recipe $recipe)"
  exit 0
fi
[ "$(id -u)" -eq 0 ] || { echo "build-image.sh needs root (debootstrap, chroot)" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "debootstrap is missing: apt-get install debootstrap" >&2; exit 1; }

mkdir -p "$cache"
work=$(mktemp -d "$cache/build.XXXXXX")
cleanup() { umount "$work/root/proc" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
root=$work/root
start=$(date +%s)

debootstrap --variant=minbase bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1 \
  || { tail -n 30 "$work/debootstrap.log" >&2; exit 1; }
# No services start inside the chroot, and postgresql-common creates no cluster (the stack's db service runs initdb).
printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"; chmod +x "$root/usr/sbin/policy-rc.d"
mkdir -p "$root/etc/postgresql-common"
echo 'create_main_cluster = false' > "$root/etc/postgresql-common/createcluster.conf"
mount -t proc proc "$root/proc"
chroot "$root" env DEBIAN_FRONTEND=noninteractive sh -c "apt-get update -qq && apt-get install -y -qq --no-install-recommends $packages" \
  >"$work/apt.log" 2>&1 || { tail -n 30 "$work/apt.log" >&2; exit 1; }
umount "$root/proc"
rm -f "$root/usr/sbin/policy-rc.d"
# Smaller image, faster import into each node: no apt lists or caches, docs, man pages or translations.
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* "$root"/usr/share/doc/* "$root"/usr/share/man/* \
  "$root"/usr/share/info/* "$root"/usr/share/locale/* "$root"/var/log/*.log "$root"/var/cache/debconf/*-old
# PostgreSQL's JIT pulls in LLVM and Z3 (130 MB, a third of the image); the stack runs with jit=off, so they go.
rm -f "$root"/usr/lib/x86_64-linux-gnu/libLLVM-*.so* "$root"/usr/lib/x86_64-linux-gnu/libz3.so* "$root"/usr/lib/postgresql/15/lib/llvmjit*.so
rm -rf "$root"/usr/lib/postgresql/15/lib/bitcode
# Smoke test in the chroot: the tools the stack uses.
chroot "$root" sh -c 'python3 -c "import psycopg2, http.server" && test -x /usr/lib/postgresql/15/bin/initdb && /usr/lib/postgresql/15/bin/postgres --version'

tar --numeric-owner -C "$root" -cf "$work/image.tar" .
mv "$work/image.tar" "$cache/image.tar"
echo "$recipe" > "$cache/image.recipe"
echo "built in $(( $(date +%s) - start )) s: $(du -h "$cache/image.tar" | cut -f1)"
echo "$cache/image.tar"
