#!/usr/bin/env bash
# Runs the whole Kefu test suite on a (fresh or already prepared) Debian 12 machine.
#
#   ./test.sh                      # everything
#   ./test.sh --filter Name~Foo    # extra arguments are passed to `dotnet test`
#
# What it does (idempotent: safe to run again, also while the services are up):
#   1. installs missing Debian packages (postgresql, chromium, fonts-wqy-zenhei, redis-server, postfix, dovecot-imapd);
#   2. starts PostgreSQL on 127.0.0.1:5432 unless it already accepts connections;
#   3. creates/updates the login role `kefu_test` (LOGIN CREATEDB) with a random
#      password kept outside the repository in $KEFU_TEST_STATE/pg-password;
#   4. starts Redis on 127.0.0.1:6379 unless it already answers;
#   5. starts Postfix (SMTP 127.0.0.1:25) and Dovecot (IMAP 127.0.0.1:143) with the test mail user `kefu-test`
#      (random password in $KEFU_TEST_STATE/mail-password);
#   6. exports KEFU_TEST_POSTGRES, KEFU_CHROMIUM, KEFU_TEST_REDIS and KEFU_TEST_MAIL_* for the tests;
#   7. runs `dotnet test Kefu.slnx -c Release` and exits with its exit code.
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

# Mail for the e-mail channel tests: Postfix (SMTP, 127.0.0.1:25) and Dovecot (IMAP, 127.0.0.1:143), loopback
# only, no TLS (plain auth is allowed on loopback). One local user, $MAIL_USER, with a random password kept in
# $STATE_DIR/mail-password. Postfix hands local mail to dovecot-lda, which files `user+folder@localhost` into the
# IMAP folder `folder` (created on first delivery): each test uses its own folder, so parallel tests never read
# each other's mail. Left running for later runs.
MAIL_USER=kefu-test
MAIL_SMTP_PORT=25
MAIL_IMAP_PORT=143

mail_password() {
  local f=$STATE_DIR/mail-password
  if [[ ! -s $f ]]; then
    (umask 077 && mkdir -p "$STATE_DIR" &&
      od -An -tx1 -N24 /dev/urandom | tr -d ' \n' >"$f")
  fi
  chmod 600 "$f"
  cat "$f"
}

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

setup_mail() {
  if ! is_installed postfix; then
    # Without a preseed, the Postfix package stops to ask what kind of mail server this is.
    printf '%s\n' 'postfix postfix/main_mailer_type select Local only' 'postfix postfix/mailname string localhost' |
      "${SUDO[@]}" debconf-set-selections
  fi
  ensure_packages "Postfix and Dovecot" postfix dovecot-imapd

  local pw
  pw=$(mail_password)
  if ! id "$MAIL_USER" >/dev/null 2>&1; then
    "${SUDO[@]}" useradd -m -s /usr/sbin/nologin "$MAIL_USER"
  fi
  printf '%s:%s\n' "$MAIL_USER" "$pw" | "${SUDO[@]}" chpasswd

  local dovecot_conf=/etc/dovecot/conf.d/99-kefu-test.conf
  local want_dovecot
  want_dovecot=$(cat <<'CONF'
# Written by Kefu's test.sh: IMAP on loopback for the e-mail channel tests.
listen = 127.0.0.1
protocols = imap
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
lda_mailbox_autocreate = yes
lda_mailbox_autosubscribe = yes
log_path = /var/log/dovecot.log
service imap-login {
  inet_listener imaps {
    port = 0
  }
}
protocol imap {
  # Parallel tests open many connections as the one test user.
  mail_max_userip_connections = 1000
}
protocol lda {
  # dovecot-lda runs as the mail user, who cannot write the daemon's log: Postfix logs what it prints.
  log_path = /dev/stderr
}
service stats {
  unix_listener stats-writer {
    mode = 0666
  }
}
service auth {
  unix_listener /var/spool/postfix/private/auth {
    mode = 0660
    user = postfix
    group = postfix
  }
}
CONF
)
  local dovecot_changed=0
  if [[ "$("${SUDO[@]}" cat "$dovecot_conf" 2>/dev/null || true)" != "$want_dovecot" ]]; then
    printf '%s\n' "$want_dovecot" | "${SUDO[@]}" tee "$dovecot_conf" >/dev/null
    dovecot_changed=1
  fi

  "${SUDO[@]}" postconf -e \
    'inet_interfaces = 127.0.0.1' 'inet_protocols = ipv4' 'mynetworks = 127.0.0.0/8' \
    'mydestination = localhost, localhost.localdomain, $myhostname' \
    'smtpd_tls_security_level = none' 'smtp_tls_security_level = none' \
    'smtpd_sasl_type = dovecot' 'smtpd_sasl_path = private/auth' 'smtpd_sasl_auth_enable = yes' \
    'recipient_delimiter = +' 'maillog_file = /var/log/postfix.log' \
    'default_transport = discard:test mail server delivers locally only' 'relay_transport = discard:test mail server delivers locally only' \
    'mailbox_command = /usr/lib/dovecot/dovecot-lda -f "$SENDER" -a "$RECIPIENT" -m "$EXTENSION"'

  if "${SUDO[@]}" doveadm service status >/dev/null 2>&1 || pgrep -x dovecot >/dev/null 2>&1; then
    if ((dovecot_changed)); then
      log "reloading Dovecot"
      "${SUDO[@]}" doveadm reload </dev/null >/dev/null 2>&1
    fi
  else
    log "starting Dovecot (IMAP on 127.0.0.1:${MAIL_IMAP_PORT})"
    "${SUDO[@]}" dovecot </dev/null >/dev/null 2>&1
  fi

  if "${SUDO[@]}" postfix status >/dev/null 2>&1; then
    "${SUDO[@]}" postfix reload >/dev/null 2>&1
  else
    log "starting Postfix (SMTP on 127.0.0.1:${MAIL_SMTP_PORT})"
    "${SUDO[@]}" /usr/lib/postfix/configure-instance.sh - >/dev/null 2>&1 || true
    "${SUDO[@]}" postfix start >/dev/null 2>&1
  fi

  local i
  for ((i = 0; i < 50; i++)); do
    if port_open "$MAIL_SMTP_PORT" && port_open "$MAIL_IMAP_PORT"; then
      log "mail ready: SMTP 127.0.0.1:${MAIL_SMTP_PORT}, IMAP 127.0.0.1:${MAIL_IMAP_PORT}, user ${MAIL_USER} (password in ${STATE_DIR}/mail-password)"
      MAIL_PASSWORD=$pw
      return 0
    fi
    sleep 0.2
  done
  "${SUDO[@]}" tail -n 20 /var/log/postfix.log /var/log/dovecot.log >&2 || true
  die "Postfix/Dovecot did not start on 127.0.0.1"
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
export KEFU_TEST_MAIL_HOST=127.0.0.1 KEFU_TEST_MAIL_SMTP_PORT=$MAIL_SMTP_PORT KEFU_TEST_MAIL_IMAP_PORT=$MAIL_IMAP_PORT
export KEFU_TEST_MAIL_USER=$MAIL_USER KEFU_TEST_MAIL_PASSWORD=$MAIL_PASSWORD KEFU_TEST_MAIL_DOMAIN=localhost
export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1

if [[ ${KEFU_TEST_SKIP_DOTNET:-0} == 1 ]]; then
  log "KEFU_TEST_SKIP_DOTNET=1: services ready, not running dotnet test"
  log "KEFU_TEST_POSTGRES=Host=${PG_HOST};Port=${PG_PORT};Username=${PG_ROLE};Password=<${STATE_DIR}/pg-password>;Database=postgres"
  log "KEFU_CHROMIUM=${KEFU_CHROMIUM}"
  log "KEFU_TEST_REDIS=${KEFU_TEST_REDIS}"
  log "KEFU_TEST_MAIL_HOST=${KEFU_TEST_MAIL_HOST} KEFU_TEST_MAIL_USER=${KEFU_TEST_MAIL_USER} KEFU_TEST_MAIL_PASSWORD=<${STATE_DIR}/mail-password>"
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
