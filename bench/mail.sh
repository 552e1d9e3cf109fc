#!/usr/bin/env bash
# Inbound e-mail benchmark, in one command:
#
#   bench/mail.sh                     # 1000 mails, SQLite and PostgreSQL
#   BENCH_MAILS=200 bench/mail.sh     # a quick check
#
# Starts Postfix/Dovecot and PostgreSQL (KEFU_TEST_SKIP_DOTNET=1 ./test.sh), then per database: the real server
# (Release build, background reader off so only the measured fetch reads the folder) on a fresh database; N mails
# APPENDed to a fresh IMAP folder; the ceiling = the raw IMAP fetch of those mails on one connection; then the
# whole pipeline (POST /api/v1/email-inboxes/{id}/check). Writes the section "## E-mail ingest" of docs/benchmarks.md.
#
# Knobs: BENCH_MAILS=1000, BENCH_DATABASES="sqlite postgres", BENCH_WRITE_DOC=1
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=bench/common.sh
source "$ROOT/bench/common.sh"

MAILS=${BENCH_MAILS:-1000}
DATABASES=${BENCH_DATABASES:-sqlite postgres}
WRITE_DOC=${BENCH_WRITE_DOC:-1}
[[ $MAILS =~ ^[1-9][0-9]*$ ]] || die "BENCH_MAILS must be a positive integer"
COMMAND="bench/mail.sh"
[[ -n ${BENCH_MAILS:-} ]] && COMMAND="BENCH_MAILS=$MAILS $COMMAND"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
RESULTS="$ROOT/artifacts/bench/mail-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$RESULTS"

log "building Release (server and load generator)"
dotnet build src/Kefu.Server/Kefu.Server.csproj -c Release -nologo -v q -clp:ErrorsOnly >&2
dotnet build bench/Kefu.Bench/Kefu.Bench.csproj -c Release -nologo -v q -clp:ErrorsOnly >&2
SERVER_DIR="$ROOT/src/Kefu.Server/bin/Release/net10.0"
BENCH_DLL="$ROOT/bench/Kefu.Bench/bin/Release/net10.0/Kefu.Bench.dll"
bench() { dotnet "$BENCH_DLL" "$@"; }

log "preparing PostgreSQL, Postfix and Dovecot (KEFU_TEST_SKIP_DOTNET=1 ./test.sh)"
KEFU_TEST_SKIP_DOTNET=1 ./test.sh >&2
STATE="${KEFU_TEST_STATE:-${HOME:-$(cd ~ && pwd)}/.kefu-test}"
PG_PASSWORD=$(cat "$STATE/pg-password")
export KEFU_TEST_MAIL_HOST=127.0.0.1 KEFU_TEST_MAIL_USER=kefu-test
KEFU_TEST_MAIL_PASSWORD=$(cat "$STATE/mail-password")
export KEFU_TEST_MAIL_PASSWORD

PG_DB=""
DATA_DIR=""
cleanup() {
  stop_server
  [[ -n $PG_DB ]] && PGPASSWORD=$PG_PASSWORD psql -X -q -h 127.0.0.1 -U kefu_test -d postgres -c "DROP DATABASE IF EXISTS \"$PG_DB\" WITH (FORCE)" >/dev/null 2>&1 || true
  [[ -n $DATA_DIR ]] && rm -rf "$DATA_DIR"
  return 0
}
trap cleanup EXIT

BUSY_BEFORE=$(busy_percent)
machine="$RESULTS/machine.txt"
describe_machine "$machine" "$BUSY_BEFORE" "mail: Postfix $(postconf -h mail_version) and Dovecot $(dovecot --version | cut -d' ' -f1), local on 127.0.0.1"

rows=()
for db in $DATABASES; do
  SERVER_CONNECTION_STRING=""
  args=(--Email:ReaderEnabled=false)
  if [[ $db == sqlite ]]; then
    DATA_DIR=$(mktemp -d "${TMPDIR:-/tmp}/kefu-bench-mail.XXXXXX")
    args+=(--Database:DataDirectory="$DATA_DIR")
  else
    PG_DB="kefu_bench_$(random_hex 6)"
    SERVER_CONNECTION_STRING="Host=127.0.0.1;Port=5432;Username=kefu_test;Password=$PG_PASSWORD;Database=$PG_DB"
  fi
  start_server "$db" "$([[ $db == sqlite ]] && echo Sqlite || echo Postgres)" "${args[@]}"
  log "$db: $MAILS mails"
  rows+=("$(BENCH_ADMIN_PASSWORD=$ADMIN_PASSWORD bench mail --database "$db" --url "$SERVER_URL" --email admin@kefu.local --count "$MAILS")")
  stop_server
  cleanup
  PG_DB=""
  DATA_DIR=""
done

section="$RESULTS/section.md"
{
  echo "## E-mail ingest"
  echo
  echo "Command: \`$COMMAND\`. Each row: a fresh database and a fresh IMAP folder of N generated mails (a third plain English with a"
  echo "quoted reply, a third GBK Chinese, a third with a 20 KiB PDF attachment; every third mail after the first 30 a reply that threads"
  echo "by ticket number). **Pipeline** = Kefu taking the whole folder in through \`POST /api/v1/email-inboxes/{id}/check\`: IMAP fetch,"
  echo "MIME parse and decoding, the filters, threading, customer lookup, attachment store, one transaction per mail, the UID"
  echo "high-water mark after each. **Ceiling** = the raw IMAP fetch of the same mails on one connection in the same run (nothing done"
  echo "with them). Mails are taken in one at a time in UID order (so a crash loses nothing and re-fetches at most one)."
  echo
  echo '```'
  cat "$machine"
  echo '```'
  echo
  echo "| database | mails | pipeline | ceiling (raw IMAP fetch) | pipeline / ceiling | outcome |"
  echo "|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
} >"$section"
cat "$section"

if [[ $WRITE_DOC == 1 ]]; then
  write_doc_section "E-mail ingest" "$section"
fi
