#!/usr/bin/env bash
# The HTTP API benchmark, in one command:
#
#   bench/run.sh                      # 60 s per workload, 16 workers, SQLite and PostgreSQL
#   BENCH_SECONDS=10 bench/run.sh     # a quick check
#
# For each database it starts the real server process (the Release build output) on a fresh database, signs in
# as the admin, mints an API token and drives conversations and messages through the HTTP API (Kefu.Bench api);
# then it stops the server and measures the ceiling: plain ADO.NET single-row inserts into the same database with
# the same durability settings (Kefu.Bench raw). It prints a Markdown table and writes it into the section
# "## HTTP API: conversations and messages" of docs/benchmarks.md (other sections are left alone).
#
# Knobs (environment):
#   BENCH_SECONDS=60             measured seconds per workload
#   BENCH_WARMUP=3               warm-up seconds before each workload (not counted)
#   BENCH_WORKERS=16             concurrent workers (HTTP connections / database connections)
#   BENCH_ACTIVE=1000            appends go to one of this many newest conversations (1-5: stress one conversation)
#   BENCH_DATABASES="sqlite postgres"
#   BENCH_WRITE_DOC=1            0: print the table, leave docs/benchmarks.md alone
#   KEFU_TEST_STATE=DIR          where test.sh keeps the PostgreSQL password (default ~/.kefu-test)
#
# Results (JSON per workload, server logs) go to artifacts/bench/<UTC time>/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# shellcheck source=bench/common.sh
source "$ROOT/bench/common.sh"

SECONDS_PER=${BENCH_SECONDS:-60}
WARMUP=${BENCH_WARMUP:-3}
WORKERS=${BENCH_WORKERS:-16}
ACTIVE=${BENCH_ACTIVE:-1000}
DATABASES=${BENCH_DATABASES:-sqlite postgres}
WRITE_DOC=${BENCH_WRITE_DOC:-1}
[[ $SECONDS_PER =~ ^[0-9]+([.][0-9]+)?$ ]] || die "BENCH_SECONDS must be a number of seconds"
[[ $WARMUP =~ ^[0-9]+([.][0-9]+)?$ ]] || die "BENCH_WARMUP must be a number of seconds"
[[ $WORKERS =~ ^[1-9][0-9]*$ ]] || die "BENCH_WORKERS must be a positive integer"
[[ $ACTIVE =~ ^[1-9][0-9]*$ ]] || die "BENCH_ACTIVE must be a positive integer"
for db in $DATABASES; do
  [[ $db == sqlite || $db == postgres ]] || die "BENCH_DATABASES: unknown database '$db' (sqlite, postgres)"
done

# The command as typed, with the knobs that were set, for the report.
COMMAND="bench/run.sh"
for knob in BENCH_DATABASES BENCH_ACTIVE BENCH_WORKERS BENCH_WARMUP BENCH_SECONDS; do
  if [[ -n ${!knob:-} ]]; then
    value=${!knob}
    [[ $value == *" "* ]] && value="\"$value\""
    COMMAND="$knob=$value $COMMAND"
  fi
done

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
STARTED_AT=$(date +%s)
RESULTS="$ROOT/artifacts/bench/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$RESULTS"

PG_DB=""
PG_ADMIN_URL=""
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

# ---------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------
log "building Release (server and load generator)"
dotnet build src/Kefu.Server/Kefu.Server.csproj -c Release -nologo -v q -clp:ErrorsOnly >&2
dotnet build bench/Kefu.Bench/Kefu.Bench.csproj -c Release -nologo -v q -clp:ErrorsOnly >&2
SERVER_DIR="$ROOT/src/Kefu.Server/bin/Release/net10.0"
BENCH_DLL="$ROOT/bench/Kefu.Bench/bin/Release/net10.0/Kefu.Bench.dll"
[[ -f $SERVER_DIR/Kefu.Server.dll && -f $BENCH_DLL ]] || die "build output missing"
bench() { dotnet "$BENCH_DLL" "$@"; }

# ---------------------------------------------------------------------------
# PostgreSQL (the same service the tests use)
# ---------------------------------------------------------------------------
PG_PASSWORD=""
if [[ " $DATABASES " == *" postgres "* ]]; then
  log "preparing PostgreSQL (KEFU_TEST_SKIP_DOTNET=1 ./test.sh)"
  KEFU_TEST_SKIP_DOTNET=1 ./test.sh >&2
  PG_PASSWORD=$(cat "${KEFU_TEST_STATE:-${HOME:-$(cd ~ && pwd)}/.kefu-test}/pg-password")
  [[ $PG_PASSWORD =~ ^[0-9a-f]+$ ]] || die "unexpected PostgreSQL password file"
fi

# ---------------------------------------------------------------------------
# The machine
# ---------------------------------------------------------------------------
BUSY_BEFORE=$(busy_percent)
((BUSY_BEFORE < 25)) || log "warning: the machine was already ${BUSY_BEFORE}% busy before the benchmark (other work): expect noisy numbers"

machine="$RESULTS/machine.txt"
pg_line=()
if [[ -n $PG_PASSWORD ]]; then
  pg_line=("PostgreSQL: $(PGPASSWORD=$PG_PASSWORD psql -X -At -h 127.0.0.1 -U kefu_test -d postgres -c 'SHOW server_version'), local on 127.0.0.1:5432")
fi
describe_machine "$machine" "$BUSY_BEFORE" "${pg_line[@]}"

# ---------------------------------------------------------------------------
# One database: server + API load, then the ceiling
# ---------------------------------------------------------------------------
run_database() {
  local db=$1 data_dir=""
  local -a server_args=()
  SERVER_CONNECTION_STRING=""
  case $db in
    sqlite)
      data_dir=$(mktemp -d "${TMPDIR:-/tmp}/kefu-bench-sqlite.XXXXXX")
      TEMP_DIRS+=("$data_dir")
      # No connection string: the server builds its own for the data directory (DatabaseSetup.SqliteFile).
      server_args=(--Database:DataDirectory="$data_dir")
      ;;
    postgres)
      PG_DB="kefu_bench_$(random_hex 6)"
      SERVER_CONNECTION_STRING="Host=127.0.0.1;Port=5432;Username=kefu_test;Password=$PG_PASSWORD;Database=$PG_DB"
      ;;
  esac

  start_server "$db" "$([[ $db == sqlite ]] && echo Sqlite || echo Postgres)" "${server_args[@]}"
  log "$db: API load, ${WORKERS} workers, ${WARMUP} s warm-up + ${SECONDS_PER} s"
  BENCH_ADMIN_PASSWORD=$ADMIN_PASSWORD bench api --database "$db" --url "$SERVER_URL" --email admin@kefu.local \
    --workers "$WORKERS" --seconds "$SECONDS_PER" --warmup "$WARMUP" --active "$ACTIVE" --server-pid "$SERVER_PID" --out "$RESULTS/$db-api.json"
  stop_server
  server_failures "$db"

  log "$db: raw inserts into the same database (the ceiling), ${WORKERS} workers, ${WARMUP} s warm-up + ${SECONDS_PER} s"
  if [[ $db == sqlite ]]; then
    bench raw --database sqlite --data-dir "$data_dir" --workers "$WORKERS" --seconds "$SECONDS_PER" --warmup "$WARMUP" --out "$RESULTS/$db-raw.json"
    rm -rf "$data_dir"
  else
    BENCH_CONNECTION_STRING=$SERVER_CONNECTION_STRING bench raw --database postgres \
      --workers "$WORKERS" --seconds "$SECONDS_PER" --warmup "$WARMUP" --out "$RESULTS/$db-raw.json"
    drop_pg_database
  fi
}

for db in $DATABASES; do
  run_database "$db"
done

# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------
report_args=(--results "$RESULTS" --machine "$machine" --command "$COMMAND")
[[ $WRITE_DOC == 1 ]] && report_args+=(--doc "$ROOT/docs/benchmarks.md")
mkdir -p "$ROOT/docs"
bench report "${report_args[@]}"
log "done in $(($(date +%s) - STARTED_AT)) s; results in ${RESULTS#"$ROOT"/}"
