# Shared by bench/run.sh and bench/chat.sh (sourced, not run): logging, the machine's description and how busy it
# already was, and the real server process (the Release build output) started on a free port and stopped again.
# The sourcing script sets ROOT, RESULTS and SERVER_DIR, and defines bench() (the load generator).

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'bench/%s: error: %s\n' "$(basename "$0")" "$*" >&2; exit 1; }
random_hex() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }

SERVER_PID=""
SERVER_URL=""
ADMIN_PASSWORD=""

# How busy the machine already is (other tenants), over 5 s: busy = the wall clock of all cores but their idle and
# iowait time in /proc/stat (its user/system tick counters miss short bursts of work on a tickless kernel).
busy_percent() {
  local a b t0 t1
  t0=$(date +%s%N)
  read -r -a a < <(head -n 1 /proc/stat)
  sleep 5
  read -r -a b < <(head -n 1 /proc/stat)
  t1=$(date +%s%N)
  local total idle
  total=$(( (t1 - t0) * $(nproc) / 10000000 )) # in USER_HZ ticks (1/100 s)
  idle=$((b[4] - a[4] + b[5] - a[5]))
  echo $((total > 0 && total > idle ? 100 * (total - idle) / total : 0))
}

# describe_machine FILE BUSY_PERCENT [extra "key: value" lines...]: the facts the reports print about the machine.
describe_machine() {
  local file=$1 busy=$2; shift 2
  {
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), nproc $(nproc)"
    echo "RAM: $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
    echo "OS: $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
    echo ".NET: SDK $(dotnet --version), runtime $(dotnet --list-runtimes | awk '/Microsoft.AspNetCore.App/ {v=$2} END {print v}') (ASP.NET Core), server GC as shipped"
    local line
    for line in "$@"; do echo "$line"; done
    echo "disk: $(df -T "${TMPDIR:-/tmp}" | awk 'NR==2 {print $2}') (SQLite's temp data directory), load generator on the same machine"
    echo "other load: the machine was ${busy}% busy in the 5 s before the benchmark started"
  } >"$file"
}

# start_server NAME PROVIDER [--Key=value...]: the Release build output, as an operator runs it (from its
# directory, so its appsettings.json applies). Secrets go through the environment, not the process list.
start_server() {
  local name=$1 provider=$2; shift 2
  local port
  port=$(bench free-port)
  SERVER_URL="http://127.0.0.1:$port"
  ADMIN_PASSWORD=$(random_hex 16)
  local -a secrets=(Admin__Password="$ADMIN_PASSWORD")
  [[ -n ${SERVER_CONNECTION_STRING:-} ]] && secrets+=(Database__ConnectionString="$SERVER_CONNECTION_STRING")
  (cd "$SERVER_DIR" && exec env "${secrets[@]}" dotnet Kefu.Server.dll --urls "$SERVER_URL" --Database:Provider="$provider" "$@") >"$RESULTS/$name-server.log" 2>&1 &
  SERVER_PID=$!
  log "$name: server pid $SERVER_PID on $SERVER_URL, waiting for /health/ready"
  bench wait-ready --url "$SERVER_URL" --pid "$SERVER_PID" --timeout 180 ||
    { tail -n 40 "$RESULTS/$name-server.log" >&2; die "$name: the server did not become ready"; }
}

stop_server() {
  [[ -n $SERVER_PID ]] || return 0
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    local i
    for ((i = 0; i < 60; i++)); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      # a stopped child stays a zombie until waited for
      [[ $(awk '{print $3}' "/proc/$SERVER_PID/stat" 2>/dev/null || echo Z) == Z ]] && break
      sleep 0.5
    done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

# Failures the server logged while serving (before "Application started" there is only the migration, whose
# existence check of the fresh PostgreSQL database logs a harmless connection error).
server_failures() {
  local name=$1 serving
  serving=$(sed -n '/Application started/,$p' "$RESULTS/$1-server.log")
  if grep -q '^fail:' <<<"$serving"; then
    log "$name: the server logged failures while serving ($(grep -c '^fail:' <<<"$serving")); the first ones:"
    grep -A 12 -m 3 '^fail:' <<<"$serving" >&2
  fi
}

# write_doc_section HEADING FILE: puts FILE (which starts with "## HEADING") into docs/benchmarks.md, replacing the
# section of that heading, or appending it.
write_doc_section() {
  python3 - "$ROOT/docs/benchmarks.md" "$1" "$2" <<'PY'
import os, re, sys
doc, heading, section = sys.argv[1], sys.argv[2], open(sys.argv[3]).read().rstrip() + "\n"
text = open(doc).read() if os.path.exists(doc) else "# Benchmarks\n"
pattern = re.compile(r"^## " + re.escape(heading) + r"\n.*?(?=^## |\Z)", re.S | re.M)
text = pattern.sub(lambda _: section + "\n", text) if pattern.search(text) else text.rstrip() + "\n\n" + section
open(doc, "w").write(text)
PY
  log "wrote the section \"$1\" into docs/benchmarks.md"
}
