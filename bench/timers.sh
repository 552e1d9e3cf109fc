#!/usr/bin/env bash
# Timer and routing benchmark, in one command:
#
#   bench/timers.sh                              # 1,000,000 open conversations, SQLite and PostgreSQL
#   BENCH_CONVERSATIONS=100000 bench/timers.sh   # a quick check
#
# Per database: a freshly migrated database filled with N open conversations whose SLA due times are spread over the
# next 30 days (500 due now) and N pending durable jobs (promises, re-offers, follow-ups) likewise; then the query the
# SLA worker runs each tick and the job worker's claim query, each timed over many repetitions, beside a full scan of
# the conversations table (what a tick would cost without its index: the ceiling it avoids). Then the pure routing
# decision rate for 50, 500 and 5,000 agents. Writes the section "## Timers and routing" of docs/benchmarks.md.
#
# Knobs: BENCH_CONVERSATIONS=1000000, BENCH_DATABASES="sqlite postgres", BENCH_WRITE_DOC=1
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=bench/common.sh
source "$ROOT/bench/common.sh"

COUNT=${BENCH_CONVERSATIONS:-1000000}
DATABASES=${BENCH_DATABASES:-sqlite postgres}
WRITE_DOC=${BENCH_WRITE_DOC:-1}
[[ $COUNT =~ ^[1-9][0-9]*$ ]] || die "BENCH_CONVERSATIONS must be a positive integer"
COMMAND="bench/timers.sh"
[[ -n ${BENCH_CONVERSATIONS:-} ]] && COMMAND="BENCH_CONVERSATIONS=$COUNT $COMMAND"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
RESULTS="$ROOT/artifacts/bench/timers-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$RESULTS"

log "building Release (benchmark)"
dotnet build bench/Kefu.Bench/Kefu.Bench.csproj -c Release -nologo -v q -clp:ErrorsOnly >&2
BENCH_DLL="$ROOT/bench/Kefu.Bench/bin/Release/net10.0/Kefu.Bench.dll"
bench() { dotnet "$BENCH_DLL" "$@"; }

log "preparing PostgreSQL (KEFU_TEST_SKIP_DOTNET=1 ./test.sh)"
KEFU_TEST_SKIP_DOTNET=1 ./test.sh >&2
STATE="${KEFU_TEST_STATE:-${HOME:-$(cd ~ && pwd)}/.kefu-test}"
PG_PASSWORD=$(cat "$STATE/pg-password")

PG_DB=""
DATA_DIR=""
cleanup() {
  [[ -n $PG_DB ]] && PGPASSWORD=$PG_PASSWORD psql -X -q -h 127.0.0.1 -U kefu_test -d postgres -c "DROP DATABASE IF EXISTS \"$PG_DB\" WITH (FORCE)" >/dev/null 2>&1 || true
  [[ -n $DATA_DIR ]] && rm -rf "$DATA_DIR"
  return 0
}
trap cleanup EXIT

BUSY_BEFORE=$(busy_percent)
machine="$RESULTS/machine.txt"
describe_machine "$machine" "$BUSY_BEFORE" "databases: SQLite (WAL, the server's pragmas) on ext4; PostgreSQL $(psql --version | awk '{print $3}') local on 127.0.0.1"

rows=()
for db in $DATABASES; do
  log "$db: $COUNT open conversations and $COUNT pending jobs"
  if [[ $db == sqlite ]]; then
    DATA_DIR=$(mktemp -d "${TMPDIR:-/tmp}/kefu-bench-timers.XXXXXX")
    rows+=("$(bench timers --database sqlite --data-dir "$DATA_DIR" --conversations "$COUNT")")
  else
    PG_DB="kefu_bench_$(random_hex 6)"
    rows+=("$(BENCH_CONNECTION_STRING="Host=127.0.0.1;Port=5432;Username=kefu_test;Password=$PG_PASSWORD;Database=$PG_DB" bench timers --database postgres --conversations "$COUNT")")
  fi
  cleanup
  PG_DB=""
  DATA_DIR=""
done
log "routing decisions"
routing=$(bench routing --seconds 3)

section="$RESULTS/section.md"
{
  echo "## Timers and routing"
  echo
  echo "Command: \`$COMMAND\`. Each row: a freshly migrated database with N open conversations whose SLA due times are spread"
  echo "over the next 30 days (500 due now) and N pending durable jobs (promise reminders, first-response re-offers, follow-ups)"
  echo "likewise. **SLA tick** = the query the SLA worker runs each tick (\`NextSlaDueAt <= now\`, oldest first, 200 at a time, on"
  echo "its index); **job tick** = the job worker's claim query (due, unlocked, 8 at a time); both timed over 200 repetitions after"
  echo "a warm-up. **Full scan** = one pass over the whole conversations table (a condition on a column without an index): what a tick would cost"
  echo "without its index, the ceiling the index avoids. Processing the due rows themselves (recomputing clocks, writing events)"
  echo "is per due conversation, not per open one."
  echo
  echo '```'
  cat "$machine"
  echo '```'
  echo
  echo "| database | data | load time | SLA tick | job tick | full scan | full scan ÷ SLA tick | database size |"
  echo "|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "Routing decisions per second (the pure \`Router.Route\`: team by category/VIP, skill and language match, capacity,"
  echo "least-loaded or round-robin; one core, 80 % of agents online):"
  echo
  echo "| agents in the workspace | decisions/s |"
  echo "|---:|---:|"
  echo "$routing"
} >"$section"
cat "$section"

if [[ $WRITE_DOC == 1 ]]; then
  write_doc_section "Timers and routing" "$section"
fi
