#!/usr/bin/env bash
# Regenerates testdata/series/ (see testdata/series/README.md): one QEMU 10 `pc` guest, kept
# running, saved several times with `migrate file:`; series.json lists what changed between saves.
#
#   testdata/series/regenerate.sh [--no-verify] [--saves N] [--interval-ms MS] [--no-mapped-ram]
#                                 [--no-twin] [--keep-raw]
#
# Needs QEMU 10 (scripts/install-qemu.sh), a JDK 17 and Maven. Takes about a minute and a half.
# 1. builds the test guest (testdata/guest/build.sh; the series uses its walk= mode),
# 2. compiles the testkit (no install),
# 3. runs io.github.qmig.testkit.series.SeriesGenerator, which writes into this directory.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
testdata=$(dirname "$here")
root=$(dirname "$testdata")

case "${1:-}" in -h|--help) sed -n '2,12p' "$0"; exit 0 ;; esac

"$testdata/guest/build.sh" >/dev/null
cd "$root"
mvn -q -pl testkit compile dependency:build-classpath \
  -Dmdep.outputFile=target/series-classpath.txt -Dmdep.includeScope=runtime
java -Dqmig.testdata="$testdata" \
  -cp "testkit/target/classes:$(cat testkit/target/series-classpath.txt)" \
  io.github.qmig.testkit.series.SeriesGenerator --out "$here" "$@"
