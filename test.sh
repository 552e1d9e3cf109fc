#!/usr/bin/env bash
# Runs the whole Kefu test suite on a (fresh or already prepared) Debian 12 machine.
#
#   ./test.sh                      # everything
#   ./test.sh --filter Name~Foo    # extra arguments are passed to `dotnet test`
#
# What it does (idempotent: safe to run again, also while the services are up):
#   1. installs missing Debian packages (postgresql, chromium, fonts-wqy-zenhei, redis-server);
#   2. starts PostgreSQL on 127.0.0.1:5432 unless it already accepts connections;
#   3. creates/updates the login role `kefu_test` (LOGIN CREATEDB) with a random
#      password kept outside the repository in $KEFU_TEST_STATE/pg-password;
#   4. starts Redis on 127.0.0.1:6379 unless it already answers;
#   5. exports KEFU_TEST_POSTGRES, KEFU_CHROMIUM and KEFU_TEST_REDIS for the tests;
#   6. runs `dotnet test Kefu.slnx -c Release` and exits with its exit code.
#
# Environment knobs:
#   KEFU_TEST_STATE=DIR       where local secrets live (default: $HOME/.kefu-test)
#   KEFU_TEST_SKIP_DOTNET=1   only prepare the services, print the exports, do not run tests
#                             (handy for checking the service setup / for `source`-free debugging)
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$REPO_ROOT"

log() { printf '==> %s\n' "$*"; }
die() { printf 'test.sh: error: %s\n' "$*" >&2; exit 1; }

if [[ $(id -u) -eq 0 ]]; then
  SUDO=()
else
  command -v sudo >/dev/null 2>&1 || die "not root and sudo is not available"
  SUDO=(sudo)
fi

PG_HOST=127.0.0.1
PG_PORT=5432
PG_ROLE=kefu_test
STATE_DIR="${KEFU_TEST_STATE:-${HOME:-$(cd ~ && pwd)}/.kefu-test}"

# ---------------------------------------------------------------------------
# Packages
# ---------------------------------------------------------------------------
APT_UPDATED=0

is_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# ensure_packages LABEL PKG... : install the packages that are missing, quietly.
ensure_packages() {
  local label=$1; shift
  local missing=() p
  for p in "$@"; do
    is_installed "$p" || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0
  log "installing ${label} (${missing[*]})"
  if ((APT_UPDATED == 0)); then
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    APT_UPDATED=1
  fi
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends -o Dpkg::Use-Pty=0 "${missing[@]}" >/dev/null
}

# ---------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------
pg_ready() {
  pg_isready -q -h "$PG_HOST" -p "$PG_PORT" >/dev/null 2>&1
}

pg_major_version() {
  local v
  v=$(ls -1 /etc/postgresql 2>/dev/null | sort -V | tail -n 1 || true)
  [[ -n $v ]] || v=$(ls -1 /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1 || true)
  [[ -n $v ]] || die "cannot find an installed PostgreSQL version"
  printf '%s\n' "$v"
}

start_postgres() {
  if pg_ready; then
    log "PostgreSQL already accepting connections on ${PG_HOST}:${PG_PORT}"
    return 0
  fi

  local ver cluster=main
  ver=$(pg_major_version)
  if [[ ! -f /etc/postgresql/$ver/$cluster/postgresql.conf ]]; then
    log "creating PostgreSQL ${ver} cluster '${cluster}'"
    "${SUDO[@]}" pg_createcluster --port "$PG_PORT" "$ver" "$cluster" >/dev/null
  fi

  # Listen on loopback IPv4 only. Use a conf.d drop-in: `pg_conftool set
  # listen_addresses` writes the value unquoted and the server refuses to start.
  local dropin=/etc/postgresql/$ver/$cluster/conf.d/90-local.conf
  local want="listen_addresses = '${PG_HOST}'"
  if [[ "$("${SUDO[@]}" cat "$dropin" 2>/dev/null || true)" != "$want" ]]; then
    "${SUDO[@]}" mkdir -p "$(dirname "$dropin")"
    printf '%s\n' "$want" | "${SUDO[@]}" tee "$dropin" >/dev/null
  fi

  log "starting PostgreSQL ${ver}/${cluster}"
  if "${SUDO[@]}" pg_ctlcluster "$ver" "$cluster" status >/dev/null 2>&1; then
    # Running, but not reachable on 127.0.0.1 (e.g. old listen_addresses): restart.
    "${SUDO[@]}" pg_ctlcluster "$ver" "$cluster" restart
  else
    "${SUDO[@]}" pg_ctlcluster "$ver" "$cluster" start
  fi

  local i
  for ((i = 0; i < 30; i++)); do
    pg_ready && { log "PostgreSQL ready on ${PG_HOST}:${PG_PORT}"; return 0; }
    sleep 1
  done
  "${SUDO[@]}" tail -n 20 "/var/log/postgresql/postgresql-${ver}-${cluster}.log" >&2 || true
  die "PostgreSQL did not become ready on ${PG_HOST}:${PG_PORT} within 30 s"
}

# Random password, created once and kept outside the repository (mode 600).
pg_password() {
  local f=$STATE_DIR/pg-password
  if [[ ! -s $f ]]; then
    (umask 077 && mkdir -p "$STATE_DIR" &&
      od -An -tx1 -N24 /dev/urandom | tr -d ' \n' >"$f")
  fi
  chmod 600 "$f"
  cat "$f"
}

ensure_pg_role() {
  local pw=$1
  [[ $pw =~ ^[0-9a-f]+$ ]] || die "unexpected characters in ${STATE_DIR}/pg-password (expected hex)"
  # SQL goes through stdin so the password never shows up in the process list.
  (cd / && "${SUDO[@]}" runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -d postgres) <<SQL >/dev/null
SELECT 'CREATE ROLE ${PG_ROLE}'
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${PG_ROLE}') \gexec
ALTER ROLE ${PG_ROLE} WITH LOGIN CREATEDB PASSWORD '${pw}';
SQL
  log "PostgreSQL role ${PG_ROLE} ready (password in ${STATE_DIR}/pg-password)"
}

# ---------------------------------------------------------------------------
# Placeholders for services added by later issues (not implemented yet).
# ---------------------------------------------------------------------------

# Redis for the SignalR backplane and the multi-node tests: bound to 127.0.0.1,
# no persistence, its files under $STATE_DIR. Left running for later runs.
REDIS_PORT=6379
setup_redis() {
  if redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; then
    log "Redis already answering on 127.0.0.1:${REDIS_PORT}"
    return
  fi
  log "starting Redis on 127.0.0.1:${REDIS_PORT}"
  mkdir -p "$STATE_DIR/redis"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --save '' --appendonly no \
    --dir "$STATE_DIR/redis" --pidfile "$STATE_DIR/redis/redis.pid" --logfile "$STATE_DIR/redis/redis.log"
  for _ in $(seq 1 50); do
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && { log "Redis ready on 127.0.0.1:${REDIS_PORT}"; return; }
    sleep 0.2
  done
  tail -n 20 "$STATE_DIR/redis/redis.log" >&2 || true
  die "Redis did not start"
}

# TODO(mail): install Postfix (SMTP) and Dovecot (IMAP), configure them to
# listen on 127.0.0.1 only with a local test mailbox/user whose password is
# kept in $STATE_DIR like the PostgreSQL one, start them if not running, and
# export the settings the tests read (e.g. KEFU_TEST_SMTP / KEFU_TEST_IMAP).
setup_mail() {
  :
}

# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------
mkdir -p "$STATE_DIR"
chmod 700 "$STATE_DIR"

# Serialise service setup between concurrent runs of this script.
exec 9>"$STATE_DIR/setup.lock"
flock 9

ensure_packages "PostgreSQL" postgresql
ensure_packages "Chromium" chromium fonts-wqy-zenhei
ensure_packages "Redis" redis-server

start_postgres
PG_PASSWORD=$(pg_password)
ensure_pg_role "$PG_PASSWORD"

setup_redis
setup_mail

flock -u 9
exec 9>&-

export KEFU_TEST_POSTGRES="Host=${PG_HOST};Port=${PG_PORT};Username=${PG_ROLE};Password=${PG_PASSWORD};Database=postgres"
export KEFU_CHROMIUM=/usr/bin/chromium
export KEFU_TEST_REDIS="127.0.0.1:${REDIS_PORT}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1

if [[ ${KEFU_TEST_SKIP_DOTNET:-0} == 1 ]]; then
  log "KEFU_TEST_SKIP_DOTNET=1: services ready, not running dotnet test"
  log "KEFU_TEST_POSTGRES=Host=${PG_HOST};Port=${PG_PORT};Username=${PG_ROLE};Password=<${STATE_DIR}/pg-password>;Database=postgres"
  log "KEFU_CHROMIUM=${KEFU_CHROMIUM}"
  log "KEFU_TEST_REDIS=${KEFU_TEST_REDIS}"
  exit 0
fi

command -v dotnet >/dev/null 2>&1 || die "dotnet is not on PATH"

log "running dotnet test"
rc=0
dotnet test Kefu.slnx -c Release \
  --logger "console;verbosity=normal" \
  --results-directory "$PWD/artifacts/test-results" \
  "$@" || rc=$?
exit "$rc"
