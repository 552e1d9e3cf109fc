#!/usr/bin/env bash
# The live chat benchmark, in one command:
#
#   bench/chat.sh                                                    # the full run, about 7 minutes
#   CHAT_RATES="100 500" CHAT_STEP_SECONDS=5 CHAT_CONNECTIONS=1000 bench/chat.sh   # a quick check
#
# It starts the real server process (the Release build output) on a fresh SQLite database with the bare echo hub
# mapped (--Realtime:EchoHub=true), then the load generator (Kefu.Bench chat) signs in as the admin with the cookie
# form, creates M agents (each signs in and mints its own API token) and connects them to /hubs/agent; N visitors
# connect to /hubs/visitor (the widget's hub), Start and write a first message, and an agent joins each chat.
# Open-loop steps of rising message rates follow, half visitor → agent and half agent → visitor, each timed from
# just before the hub call to the "message" event on the other side; at every rate the same pattern first runs on
# /hubs/echo with as many connections (SignalR alone: the ceiling). A hub's ramp ends at the first step it cannot
# keep up with. Last, visitors are added in batches up to CHAT_CONNECTIONS and held while messages keep flowing.
# Then the server stops, the stored messages are counted, and the section "## Live chat: SignalR delivery" of
# docs/benchmarks.md is rewritten (other sections are left alone).
#
# Knobs (environment):
#   CHAT_VISITORS=200             visitors chatting (one conversation each)
#   CHAT_AGENTS=20                agents (hub connections); visitor i's chat is joined by agent i mod M
#   CHAT_RATES="100 250 500 750 1000 1500 2000 3000"   messages per second offered, both directions together
#   CHAT_STEP_SECONDS=15          seconds per rate
#   CHAT_WARMUP=5                 warm-up seconds per hub at the first rate (not counted)
#   CHAT_DRAIN=10                 seconds a step's messages may still arrive after its last send
#   CHAT_CONNECTIONS=10000        visitors held connected at once in the last phase (0: skip it)
#   CHAT_CONNECT_BATCH=500        visitors added per batch
#   CHAT_HELD_RATE=100            messages per second while the connections are held
#   CHAT_HELD_SECONDS=15
#   BENCH_WRITE_DOC=1             0: print the section, leave docs/benchmarks.md alone
#
# Results (JSON, the server's log) go to artifacts/bench/<UTC time>-chat/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=bench/common.sh
source "$ROOT/bench/common.sh"

VISITORS=${CHAT_VISITORS:-200}
AGENTS=${CHAT_AGENTS:-20}
RATES=${CHAT_RATES:-100 250 500 750 1000 1500 2000 3000}
STEP_SECONDS=${CHAT_STEP_SECONDS:-15}
WARMUP=${CHAT_WARMUP:-5}
DRAIN=${CHAT_DRAIN:-10}
CONNECTIONS=${CHAT_CONNECTIONS:-10000}
CONNECT_BATCH=${CHAT_CONNECT_BATCH:-500}
HELD_RATE=${CHAT_HELD_RATE:-100}
HELD_SECONDS=${CHAT_HELD_SECONDS:-15}
WRITE_DOC=${BENCH_WRITE_DOC:-1}
number='^[0-9]+([.][0-9]+)?$'
for knob in VISITORS AGENTS CONNECT_BATCH; do
  [[ ${!knob} =~ ^[1-9][0-9]*$ ]] || die "CHAT_$knob must be a positive integer"
done
[[ $CONNECTIONS =~ ^[0-9]+$ ]] || die "CHAT_CONNECTIONS must be a whole number (0 skips the connection ramp)"
for knob in STEP_SECONDS WARMUP DRAIN HELD_RATE HELD_SECONDS; do
  [[ ${!knob} =~ $number ]] || die "CHAT_$knob must be a number"
done
for rate in $RATES; do
  [[ $rate =~ $number ]] || die "CHAT_RATES: '$rate' is not a number of messages per second"
done

# The command as typed, with the knobs that were set, for the report.
COMMAND="bench/chat.sh"
for knob in CHAT_HELD_SECONDS CHAT_HELD_RATE CHAT_CONNECT_BATCH CHAT_CONNECTIONS CHAT_DRAIN CHAT_WARMUP CHAT_STEP_SECONDS CHAT_RATES CHAT_AGENTS CHAT_VISITORS; do
  if [[ -n ${!knob:-} ]]; then
    value=${!knob}
    [[ $value == *" "* ]] && value="\"$value\""
    COMMAND="$knob=$value $COMMAND"
  fi
done

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
STARTED_AT=$(date +%s)
RESULTS="$ROOT/artifacts/bench/$(date -u +%Y%m%dT%H%M%SZ)-chat"
mkdir -p "$RESULTS"

DATA_DIR=""
cleanup() {
  stop_server
  [[ -z $DATA_DIR ]] || rm -rf "$DATA_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Every connection is a file descriptor, in the server and in the load generator alike: both inherit this limit.
# Raising the hard limit needs CAP_SYS_RESOURCE; without it we get what the hard limit allows (recorded below).
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
FD_LIMIT=$(ulimit -n)
if [[ $FD_LIMIT != unlimited ]] && ((CONNECTIONS + 1000 > FD_LIMIT)); then
  log "warning: open files are limited to $FD_LIMIT (hard limit $(ulimit -Hn)); $CONNECTIONS connections need about $((CONNECTIONS + 1000)) descriptors in each process"
fi

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
# The machine
# ---------------------------------------------------------------------------
BUSY_BEFORE=$(busy_percent)
((BUSY_BEFORE < 25)) || log "warning: the machine was already ${BUSY_BEFORE}% busy before the benchmark (other work): expect noisy numbers"
machine="$RESULTS/machine.txt"
describe_machine "$machine" "$BUSY_BEFORE" \
  "open files: $FD_LIMIT per process (ulimit -n; hard limit $(ulimit -Hn)), local ports $(tr '\t' '-' </proc/sys/net/ipv4/ip_local_port_range)"

# ---------------------------------------------------------------------------
# Server, load, report
# ---------------------------------------------------------------------------
DATA_DIR=$(mktemp -d "${TMPDIR:-/tmp}/kefu-bench-chat.XXXXXX")
start_server chat Sqlite --Database:DataDirectory="$DATA_DIR" --Realtime:EchoHub=true
log "chat: server open files limit $(awk '/Max open files/ {print $4 " / " $5}' "/proc/$SERVER_PID/limits")"

log "chat: $VISITORS visitors, $AGENTS agents, rates $RATES msg/s × ${STEP_SECONDS} s, then $CONNECTIONS connections"
BENCH_ADMIN_PASSWORD=$ADMIN_PASSWORD bench chat --url "$SERVER_URL" --email admin@kefu.local --server-pid "$SERVER_PID" \
  --visitors "$VISITORS" --agents "$AGENTS" --rates "$RATES" --step-seconds "$STEP_SECONDS" --warmup "$WARMUP" --drain "$DRAIN" \
  --connections "$CONNECTIONS" --connect-batch "$CONNECT_BATCH" --held-rate "$HELD_RATE" --held-seconds "$HELD_SECONDS" \
  --out "$RESULTS/chat.json"
stop_server
server_failures chat
bench chat-count --data-dir "$DATA_DIR" --server-log "$RESULTS/chat-server.log" --result "$RESULTS/chat.json"

report_args=(--result "$RESULTS/chat.json" --machine "$machine" --command "$COMMAND")
[[ $WRITE_DOC == 1 ]] && report_args+=(--doc "$ROOT/docs/benchmarks.md")
mkdir -p "$ROOT/docs"
bench chat-report "${report_args[@]}"
log "done in $(($(date +%s) - STARTED_AT)) s; results in ${RESULTS#"$ROOT"/}"
