#!/usr/bin/env bash
# Benchmark (not a test) of `leaverwatch detect` on a generated organisation: wall time, events/s
# and peak RSS of the whole CLI process (JVM + Flink MiniCluster). Prints one JSON line.
#
# Usage: bench/detect-bench.sh [--people N] [--days D] [--departures K] [--seed S] [--work DIR]
#                              [--parallelism P]
# Extra JVM flags: LEAVERWATCH_JAVA_OPTS (e.g. -Xmx1g), as for ./leaverwatch.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PEOPLE=2000 DAYS=30 DEPARTURES=60 SEED=7 PARALLELISM="" WORK=""

usage() { sed -n '5,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --people) PEOPLE="$2"; shift 2 ;;
    --days) DAYS="$2"; shift 2 ;;
    --departures) DEPARTURES="$2"; shift 2 ;;
    --seed) SEED="$2"; shift 2 ;;
    --work) WORK="$2"; shift 2 ;;
    --parallelism) PARALLELISM="$2"; shift 2 ;;
    -h|--help) usage ;;
    *) echo "detect-bench: unknown argument: $1" >&2; usage ;;
  esac
done
for tool in /usr/bin/time jq java; do
  command -v "$tool" >/dev/null || { echo "detect-bench: $tool is required" >&2; exit 2; }
done

if [[ -z "$WORK" ]]; then
  WORK="$(mktemp -d "${TMPDIR:-/tmp}/leaverwatch-detect-bench.XXXXXX")"
fi
mkdir -p "$WORK"
ORG="$WORK/org"

# Build once through the launcher, then run a private copy of the jar: the launcher rebuilds
# whenever any source is newer than the jar, and a build must not be timed or swap the jar mid-run.
# Other builds in the same tree can make one attempt fail (a jar being replaced): retry.
for attempt in 1 2 3; do
  "$ROOT/leaverwatch" --version >/dev/null && break
  [[ $attempt -eq 3 ]] && { echo "detect-bench: could not build the CLI" >&2; exit 1; }
  echo "detect-bench: build attempt $attempt failed, retrying in 30 s" >&2
  sleep 30
done
rm -rf "$WORK/cli" && mkdir -p "$WORK/cli"
cp "$ROOT/cli/target/leaverwatch.jar" "$WORK/cli/" && cp -r "$ROOT/cli/target/lib" "$WORK/cli/"
run_cli() {
  LEAVERWATCH_HOME="$ROOT" java ${LEAVERWATCH_JAVA_OPTS:-} -jar "$WORK/cli/leaverwatch.jar" "$@"
}

rm -rf "$ORG"
echo "detect-bench: generating $PEOPLE people, $DAYS days, $DEPARTURES departures into $ORG" >&2
run_cli generate --people "$PEOPLE" --days "$DAYS" --departures "$DEPARTURES" --seed "$SEED" \
  --out "$ORG" >"$WORK/generate.log" 2>&1 \
  || { echo "detect-bench: generate failed, see $WORK/generate.log" >&2; exit 1; }
EVENTS="$(jq '[.events[]] | add' "$ORG/manifest.json")"

DETECT_ARGS=(detect --events "$ORG/github" "$ORG/okta" "$ORG/cloudtrail"
  --departures "$ORG/departures.csv" --identities "$ORG/identities.csv"
  --access "$ORG/access.ndjson" --out "$ORG/findings.ndjson" --steps "$ORG/steps.ndjson"
  --dlq "$ORG/dlq.ndjson")
[[ -n "$PARALLELISM" ]] && DETECT_ARGS+=(--parallelism "$PARALLELISM")

echo "detect-bench: running detect over $EVENTS events" >&2
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
set +e
/usr/bin/time -v -o "$WORK/time.txt" \
  env LEAVERWATCH_HOME="$ROOT" java ${LEAVERWATCH_JAVA_OPTS:-} -jar "$WORK/cli/leaverwatch.jar" \
  "${DETECT_ARGS[@]}" >"$WORK/detect.log" 2>&1
STATUS=$?
set -e
if [[ $STATUS -ne 0 ]]; then
  echo "detect-bench: detect exited $STATUS; its output ($WORK/detect.log):" >&2
  tail -n 40 "$WORK/detect.log" >&2
  exit 1
fi

# "Elapsed (wall clock) time (h:mm:ss or m:ss): 1:02.34"
SECONDS_WALL="$(awk -F': ' '/Elapsed \(wall clock\)/ {
  n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$WORK/time.txt")"
RSS_KB="$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")"
CPU_PCT="$(awk -F': ' '/Percent of CPU this job got/ {sub("%", "", $2); print $2}' "$WORK/time.txt")"
FINDINGS="$(wc -l <"$ORG/findings.ndjson" | tr -d ' ')"
REJECTED=0
[[ -f "$ORG/dlq.ndjson" ]] && REJECTED="$(wc -l <"$ORG/dlq.ndjson" | tr -d ' ')"
MACHINE="$(nproc) cpu, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), \
$(java -version 2>&1 | head -1), load before ${LOAD_BEFORE}, after $(cut -d' ' -f1-3 /proc/loadavg)"

jq -cn --argjson people "$PEOPLE" --argjson days "$DAYS" --argjson departures "$DEPARTURES" \
  --argjson events "$EVENTS" --argjson seconds "$SECONDS_WALL" --argjson rss_kb "$RSS_KB" \
  --argjson cpu_pct "${CPU_PCT:-0}" --argjson findings "$FINDINGS" --argjson rejected "$REJECTED" \
  --arg machine "$MACHINE" \
  '{people: $people, days: $days, departures: $departures, events: $events,
    seconds: $seconds, events_per_s: (($events / $seconds) | floor),
    peak_rss_mb: (($rss_kb / 1024) | floor), cpu_percent: $cpu_pct,
    findings: $findings, rejected: $rejected, machine: $machine}'
