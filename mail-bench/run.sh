#!/usr/bin/env bash
# Builds mail-bench (and the modules it uses) and runs the benchmark in a JVM of its own.
#   mail-bench/run.sh [options]      e.g. --targets greenmail --messages 2000; --help lists them
# Results are printed and written as Markdown to mail-bench/target/bench-results.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./mvnw -B -q -pl mail-bench -am package -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true
exec java -Xms1g -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "mail-bench/target/classes:$(cat mail-bench/target/classpath.txt)" \
  dev.satchel.mail.bench.MailBench --out mail-bench/target/bench-results.md "$@"
