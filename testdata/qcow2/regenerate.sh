#!/usr/bin/env bash
# Regenerates the qcow2 internal-snapshot fixtures in testdata/qcow2/ (see README.md here).
#
#   testdata/qcow2/regenerate.sh [--list] [NAME|PREFIX* ...]
#
# Needs QEMU 10 (qemu-system-x86_64, qemu-img) and QEMU 7.2 (/opt/qemu-7.2, or -Dqmig.qemu72=...)
# as installed by scripts/install-qemu.sh --with-qemu-7.2, a JDK 17 and Maven.
# 1. builds the test guest (testdata/guest/build.sh),
# 2. builds the testkit (mvn -pl testkit -am install -DskipTests),
# 3. runs io.github.qmig.testkit.qcow2.Qcow2FixtureGenerator: every fixture, or the named ones
#    (a trailing * selects by prefix; --list shows the names).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$(dirname "$here")")

case "${1:-}" in
  -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
esac

"$root/testdata/guest/build.sh" >/dev/null

cd "$root"
mvn -q -pl testkit -am install -DskipTests
cpfile=$(mktemp)
trap 'rm -f "$cpfile"' EXIT
mvn -q -pl testkit dependency:build-classpath -Dmdep.outputFile="$cpfile" -Dmdep.includeScope=runtime
java -Dqmig.testdata="$root/testdata" -cp "$root/testkit/target/classes:$(cat "$cpfile")" \
  io.github.qmig.testkit.qcow2.Qcow2FixtureGenerator --out "$here" "$@"
