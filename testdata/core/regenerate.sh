#!/usr/bin/env bash
# Regenerates the core-dump fixtures in testdata/core/ (see testdata/core/README.md).
#
#   testdata/core/regenerate.sh [--no-install] [--keep-raw] [NAME|PREFIX* ...]
#
# 1. installs QEMU 10 (scripts/install-qemu.sh --with-guest-toolchain) and gdb + gdb-multiarch
#    (apt-get; needs root, skipped with --no-install or when not root),
# 2. builds the test guest (testdata/guest/build.sh) and the long-mode guest
#    (testdata/core/long64.S -> testdata/core/build/long64.elf),
# 3. builds the testkit and runs io.github.qmig.testkit.core.CoreFixtureGenerator: for each
#    fixture one stopped VM is dumped with dump-guest-memory (paging off, ELF) and saved with
#    migrate file:, and the saved file is loaded into a fresh QEMU and dumped again for the check.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
testdata=$(dirname "$here")
root=$(dirname "$testdata")

install=1
gen_args=()
for a in "$@"; do
  case "$a" in
    --no-install) install=0 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) gen_args+=("$a") ;;
  esac
done

if [[ $install -eq 1 ]]; then
  if [[ $(id -u) -eq 0 ]]; then
    "$root/scripts/install-qemu.sh" --with-guest-toolchain
    if ! command -v gdb >/dev/null || ! command -v gdb-multiarch >/dev/null; then
      apt-get install -y gdb gdb-multiarch
    fi
  else
    echo "regenerate.sh: not root, skipping installs" >&2
  fi
fi

"$testdata/guest/build.sh" >/dev/null
mkdir -p "$here/build"
as --32 -o "$here/build/long64.o" "$here/long64.S"
ld -m elf_i386 -nostdlib -z max-page-size=0x1000 -z noexecstack --no-warn-rwx-segments \
  -T "$testdata/guest/guest.ld" -o "$here/build/long64.elf" "$here/build/long64.o"

cd "$root"
mvn -q -pl testkit -am install -DskipTests
cp_file=$(mktemp)
trap 'rm -f "$cp_file"' EXIT
mvn -q -pl testkit dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=runtime
java -cp "$root/testkit/target/classes:$(cat "$cp_file")" -Dqmig.testdata="$testdata" \
  io.github.qmig.testkit.core.CoreFixtureGenerator "${gen_args[@]}"
