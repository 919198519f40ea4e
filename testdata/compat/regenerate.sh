#!/usr/bin/env bash
# Regenerates testdata/compat/ (see README.md there): the vmstate descriptions of QEMU 10 and 7.2,
# the saves made for the compatibility matrix, and matrix.json (what real QEMU does when each file
# is loaded into each target).
#
#   testdata/compat/regenerate.sh [--no-install] [--skip-schemas] [--skip-saves] [--skip-matrix]
#                                 [--no-verify] [ROW-ID-PREFIX ...]
#
# 1. installs QEMU 10 and QEMU 7.2 via scripts/install-qemu.sh (needs root; skipped with
#    --no-install or when not root),
# 2. builds the test guest and the testkit,
# 3. runs io.github.qmig.testkit.compat.CompatGenerator (about a minute on 2 cores).
# With ROW-ID-PREFIXes only those matrix rows are rerun (schemas and saves are kept).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
testdata=$(dirname "$here")
root=$(dirname "$testdata")

install=1
gen_args=()
for a in "$@"; do
  case "$a" in
    --no-install) install=0 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) gen_args+=("$a") ;;
  esac
done

if [[ $install -eq 1 ]]; then
  if [[ $(id -u) -eq 0 ]]; then
    "$root/scripts/install-qemu.sh" --with-qemu-7.2 --with-guest-toolchain
  else
    echo "regenerate.sh: not root, skipping scripts/install-qemu.sh" >&2
  fi
fi

"$testdata/guest/build.sh" >/dev/null

cd "$root"
mvn -q -pl testkit -am install -DskipTests
cp_file=$(mktemp)
trap 'rm -f "$cp_file"' EXIT
mvn -q -pl testkit dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=runtime
java -cp "$root/testkit/target/classes:$(cat "$cp_file")" -Dqmig.testdata="$testdata" \
  io.github.qmig.testkit.compat.CompatGenerator "${gen_args[@]}"
