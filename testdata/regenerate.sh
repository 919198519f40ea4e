#!/usr/bin/env bash
# Regenerates the QEMU migration fixtures in testdata/ (see testdata/README.md).
#
#   testdata/regenerate.sh [--no-install] [--no-verify] [NAME|PREFIX* ...]
#
# 1. installs QEMU 10 (bookworm-backports) and QEMU 7.2 via scripts/install-qemu.sh (needs root;
#    skipped with --no-install or when not root),
# 2. builds the test guest (testdata/guest/build.sh),
# 3. builds the testkit (mvn -pl testkit -am install -DskipTests),
# 4. runs io.github.qmig.testkit.FixtureGenerator: every fixture, or only the named ones
#    (a trailing * selects by prefix; FixtureGenerator --list shows the names).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")

install=1
gen_args=()
for a in "$@"; do
  case "$a" in
    --no-install) install=0 ;;
    --no-verify|--keep-raw|--list) gen_args+=("$a") ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
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

"$here/guest/build.sh" >/dev/null

cd "$root"
mvn -q -pl testkit -am install -DskipTests
mvn -q -pl testkit exec:java -Dqmig.testdata="$here" -Dexec.args="${gen_args[*]:-}"
