#!/usr/bin/env bash
# Webhook delivery throughput, in one command:
#
#   bench/webhooks.sh                          # SQLite and PostgreSQL, 5 subscriptions × 2000 notes each
#   BENCH_MESSAGES=300 bench/webhooks.sh       # a quick check
#
# For each database it starts the real server process (the Release build output) on a fresh database; the load
# generator (Kefu.Bench webhooks) starts a local receiver (Kestrel on 127.0.0.1, answers 204, verifies every
# Standard Webhooks signature), measures the ceiling (signed POSTs straight to that receiver at the job worker's
# concurrency), then subscribes the receiver K times to message.created and adds N notes through the API: N×K
# deliveries go through the outbox and the job worker. It writes the section "## Webhook deliveries" of
# docs/benchmarks.md (other sections are left alone).
#
# Knobs (environment):
#   BENCH_SUBSCRIPTIONS=5        subscriptions (deliveries per note)
#   BENCH_MESSAGES=2000          notes added through the API
#   BENCH_WORKERS=16             API workers adding notes
#   BENCH_CONCURRENCY=8          the server's Jobs:Concurrency, also the ceiling's concurrency
#   BENCH_CEILING_SECONDS=10     how long the ceiling is measured
#   BENCH_DATABASES="sqlite postgres"
#   BENCH_WRITE_DOC=1            0: print the table, leave docs/benchmarks.md alone
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=bench/common.sh
source "$ROOT/bench/common.sh"

SUBSCRIPTIONS=${BENCH_SUBSCRIPTIONS:-5}
MESSAGES=${BENCH_MESSAGES:-2000}
WORKERS=${BENCH_WORKERS:-16}
CONCURRENCY=${BENCH_CONCURRENCY:-8}
CEILING_SECONDS=${BENCH_CEILING_SECONDS:-10}
DATABASES=${BENCH_DATABASES:-sqlite postgres}
WRITE_DOC=${BENCH_WRITE_DOC:-1}
for n in "$SUBSCRIPTIONS" "$MESSAGES" "$WORKERS" "$CONCURRENCY" "$CEILING_SECONDS"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || die "BENCH_* counts must be positive integers"
done
for db in $DATABASES; do
  [[ $db == sqlite || $db == postgres ]] || die "BENCH_DATABASES: unknown database '$db' (sqlite, postgres)"
done

COMMAND="bench/webhooks.sh"
for knob in BENCH_DATABASES BENCH_CEILING_SECONDS BENCH_CONCURRENCY BENCH_WORKERS BENCH_MESSAGES BENCH_SUBSCRIPTIONS; do
  if [[ -n ${!knob:-} ]]; then
    value=${!knob}
    [[ $value == *" "* ]] && value="\"$value\""
    COMMAND="$knob=$value $COMMAND"
  fi
done

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
STARTED_AT=$(date +%s)
RESULTS="$ROOT/artifacts/bench/webhooks-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$RESULTS"

PG_DB=""
TEMP_DIRS=()
drop_pg_database() {
  [[ -n $PG_DB ]] || return 0
  PGPASSWORD=$PG_PASSWORD psql -X -q -h 127.0.0.1 -p 5432 -U kefu_test -d postgres \
    -c "DROP DATABASE IF EXISTS \"$PG_DB\" WITH (FORCE)" >/dev/null || log "could not drop database $PG_DB"
  PG_DB=""
}
cleanup() {
  stop_server
  drop_pg_database
  local d
  for d in "${TEMP_DIRS[@]}"; do rm -rf "$d"; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "building Release (server and load generator)"
dotnet build src/Kefu.Server/Kefu.Server.csproj -c Release -nologo -v q -clp:ErrorsOnly >&2
dotnet build bench/Kefu.Bench/Kefu.Bench.csproj -c Release -nologo -v q -clp:ErrorsOnly >&2
SERVER_DIR="$ROOT/src/Kefu.Server/bin/Release/net10.0"
BENCH_DLL="$ROOT/bench/Kefu.Bench/bin/Release/net10.0/Kefu.Bench.dll"
[[ -f $SERVER_DIR/Kefu.Server.dll && -f $BENCH_DLL ]] || die "build output missing"
bench() { dotnet "$BENCH_DLL" "$@"; }

PG_PASSWORD=""
if [[ " $DATABASES " == *" postgres "* ]]; then
  log "preparing PostgreSQL (KEFU_TEST_SKIP_DOTNET=1 ./test.sh)"
  KEFU_TEST_SKIP_DOTNET=1 ./test.sh >&2
  PG_PASSWORD=$(cat "${KEFU_TEST_STATE:-${HOME:-$(cd ~ && pwd)}/.kefu-test}/pg-password")
  [[ $PG_PASSWORD =~ ^[0-9a-f]+$ ]] || die "unexpected PostgreSQL password file"
fi

BUSY_BEFORE=$(busy_percent)
((BUSY_BEFORE < 25)) || log "warning: the machine was already ${BUSY_BEFORE}% busy before the benchmark (other work): expect noisy numbers"
machine="$RESULTS/machine.txt"
pg_line=()
if [[ -n $PG_PASSWORD ]]; then
  pg_line=("PostgreSQL: $(PGPASSWORD=$PG_PASSWORD psql -X -At -h 127.0.0.1 -U kefu_test -d postgres -c 'SHOW server_version'), local on 127.0.0.1:5432")
fi
describe_machine "$machine" "$BUSY_BEFORE" "${pg_line[@]}"

for db in $DATABASES; do
  server_args=(--Jobs:Concurrency="$CONCURRENCY" --Logging:LogLevel:Default=Warning)
  SERVER_CONNECTION_STRING=""
  if [[ $db == sqlite ]]; then
    data_dir=$(mktemp -d "${TMPDIR:-/tmp}/kefu-bench-sqlite.XXXXXX")
    TEMP_DIRS+=("$data_dir")
    server_args+=(--Database:DataDirectory="$data_dir")
  else
    PG_DB="kefu_bench_$(random_hex 6)"
    SERVER_CONNECTION_STRING="Host=127.0.0.1;Port=5432;Username=kefu_test;Password=$PG_PASSWORD;Database=$PG_DB"
  fi

  start_server "$db" "$([[ $db == sqlite ]] && echo Sqlite || echo Postgres)" "${server_args[@]}"
  log "$db: ${SUBSCRIPTIONS} subscriptions × ${MESSAGES} notes, ceiling ${CEILING_SECONDS} s at ${CONCURRENCY} concurrent"
  BENCH_ADMIN_PASSWORD=$ADMIN_PASSWORD bench webhooks --database "$db" --url "$SERVER_URL" --email admin@kefu.local \
    --subscriptions "$SUBSCRIPTIONS" --messages "$MESSAGES" --workers "$WORKERS" --concurrency "$CONCURRENCY" \
    --ceiling-seconds "$CEILING_SECONDS" --out "$RESULTS/$db-webhooks.json"
  stop_server
  drop_pg_database
done

report_args=(--results "$RESULTS" --machine "$machine" --command "$COMMAND")
[[ $WRITE_DOC == 1 ]] && report_args+=(--doc "$ROOT/docs/benchmarks.md")
bench webhooks-report "${report_args[@]}"
log "done in $(($(date +%s) - STARTED_AT)) s; results in ${RESULTS#"$ROOT"/}"
