#!/usr/bin/env bash
# Builds qmig's test guest into testdata/guest/build/ (quick and idempotent; tests call it):
#   build/qmig-guest.elf   32-bit x86 multiboot kernel (see guest.c), for -kernel
#   build/ram-blob.bin     384 KiB of distinct pages for non-x86 machines (-device loader)
# Needs only the default Debian gcc + binutils (no gcc-multilib: the guest uses no libc/libgcc).
# Prints the build directory on stdout.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=$here/build
mkdir -p "$out"
CC=${CC:-gcc}
LD=${LD:-ld}

stale() { # stale TARGET SOURCES...: true if TARGET is missing or older than a source
  local t=$1; shift
  [[ -f $t ]] || return 0
  local s
  for s in "$@"; do [[ $s -nt $t ]] && return 0; done
  return 1
}

if stale "$out/qmig-guest.elf" "$here/guest.c" "$here/entry.S" "$here/guest.ld" "$here/build.sh"; then
  tmp=$(mktemp -d "$out/.tmp.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  CFLAGS=(-m32 -march=i686 -ffreestanding -fno-pic -fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables
          -fno-builtin -nostdlib -nostdinc -O2 -Wall -Wextra -Werror)
  "$CC" "${CFLAGS[@]}" -c "$here/guest.c" -o "$tmp/guest.o"
  "$CC" "${CFLAGS[@]}" -c "$here/entry.S" -o "$tmp/entry.o"
  LDFLAGS=(-m elf_i386 -nostdlib -z max-page-size=0x1000 -z noexecstack)
  if "$LD" --help 2>/dev/null | grep -q -- --no-warn-rwx-segments; then LDFLAGS+=(--no-warn-rwx-segments); fi
  "$LD" "${LDFLAGS[@]}" -T "$here/guest.ld" \
    -o "$tmp/qmig-guest.elf" "$tmp/entry.o" "$tmp/guest.o"
  mv "$tmp/qmig-guest.elf" "$out/qmig-guest.elf"
fi

if stale "$out/ram-blob.bin" "$here/blob.c" "$here/build.sh"; then
  tmp=${tmp:-$(mktemp -d "$out/.tmp.XXXXXX")}
  trap 'rm -rf "$tmp"' EXIT
  "$CC" -O2 -Wall -o "$tmp/blob" "$here/blob.c"
  "$tmp/blob" "$tmp/ram-blob.bin" 96
  mv "$tmp/ram-blob.bin" "$out/ram-blob.bin"
fi
echo "$out"
