#!/usr/bin/env bash
# Throwaway PostgreSQL cluster for tests (CI and developers).
#
#   scripts/test-postgres.sh start    # prints postgres://postgres@127.0.0.1:PORT/baku_test
#   scripts/test-postgres.sh stop     # stops the server, removes its temp dir
#   scripts/test-postgres.sh status   # prints the URL if the recorded cluster runs
#
# Typical use:
#   export TEST_DATABASE_URL="$(scripts/test-postgres.sh start)"
#   npm test
#   scripts/test-postgres.sh stop
#
# Environment:
#   PG_BIN         PostgreSQL server binaries (default /usr/lib/postgresql/15/bin)
#   PG_STATE_FILE  where the cluster's temp dir/port/url are recorded
#                  (default /tmp/baku-test-postgres.state)
#   PG_DB_NAME     database to create (default baku_test)
#
# The cluster lives in /tmp/baku-pg.XXXXXXXX (data/, socket dir, server log).
# PostgreSQL refuses to run as root, so when run as root every server command
# runs as the `postgres` system user. Only the URL goes to stdout; everything
# else goes to stderr.
set -euo pipefail

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
PG_STATE_FILE="${PG_STATE_FILE:-/tmp/baku-test-postgres.state}"
PG_DB_NAME="${PG_DB_NAME:-baku_test}"
PG_USER_NAME=postgres          # cluster superuser (initdb -U)
TMP_PREFIX=/tmp/baku-pg.       # every cluster dir starts with this

# Don't let the caller's libpq settings redirect our client commands.
unset PGHOST PGHOSTADDR PGPORT PGDATABASE PGUSER PGPASSWORD PGPASSFILE \
      PGSERVICE PGSERVICEFILE PGOPTIONS PGDATA PGSSLMODE PGTARGETSESSIONATTRS || true

log() { printf '[test-postgres] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---------------------------------------------------------------- run-as ---
# PG_RUN_MODE: root -> switch to postgres; self -> run directly.
if [[ "$(id -u)" -eq 0 ]]; then
  getent passwd postgres >/dev/null 2>&1 \
    || die "running as root but there is no 'postgres' system user (PostgreSQL refuses to run as root)"
  PG_RUN_MODE=root
else
  PG_RUN_MODE=self   # the postgres user itself, or a developer with their own binaries
fi

# as_pg CMD ARGS...  — run a command as the user that owns the cluster.
# $CLUSTER_DIR (when set) is used as cwd/HOME so nothing tries to touch /root.
as_pg() {
  local dir="${CLUSTER_DIR:-/tmp}"
  if [[ "$PG_RUN_MODE" == root ]]; then
    if command -v runuser >/dev/null 2>&1; then
      (cd "$dir" && runuser -u postgres -- env HOME="$dir" "$@")
    else
      local cmd
      cmd="$(printf '%q ' "$@")"
      (cd "$dir" && su postgres -s /bin/bash -c "HOME=$(printf '%q' "$dir") $cmd")
    fi
  else
    (cd "$dir" && "$@")
  fi
}

check_bin() {
  [[ -d "$PG_BIN" ]] || die "PostgreSQL binary dir not found: PG_BIN=$PG_BIN (set PG_BIN to the dir holding initdb/pg_ctl/postgres)"
  local b
  for b in initdb pg_ctl postgres pg_isready createdb; do
    [[ -x "$PG_BIN/$b" ]] || die "missing executable $PG_BIN/$b (PG_BIN=$PG_BIN)"
  done
}

# ----------------------------------------------------------- state file ---
# Format: key=value lines (dir, port, url, pid). Parsed, never sourced.
state_get() {
  [[ -f "$PG_STATE_FILE" ]] || return 0
  sed -n "s/^$1=//p" "$PG_STATE_FILE" | head -n 1
}

# Only ever delete directories we could have created.
safe_cluster_dir() {
  local d="$1"
  [[ -n "$d" && "$d" == "$TMP_PREFIX"* && "$d" != *..* && "$d" != *'/'*'/'*'/'* ]]
}

free_port() {
  local py
  for py in python3 /usr/bin/python3 python; do
    if command -v "$py" >/dev/null 2>&1; then
      "$py" - <<'EOF' 2>/dev/null && return 0
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
EOF
    fi
  done
  # Fallback without python: random high port nobody answers on.
  local p i
  for i in $(seq 1 50); do
    p=$(( 20000 + (RANDOM % 30000) ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"; return 0
    fi
  done
  return 1
}

# ---------------------------------------------------------------- stop ---
# True when the process exists and is not a zombie (a postmaster reparented
# to a PID 1 that doesn't reap children stays <defunct> after exiting).
pid_alive() {
  kill -0 "$1" 2>/dev/null || return 1
  if [[ -r "/proc/$1/stat" ]]; then
    local st
    st="$(sed -E 's/^.*\) ([A-Za-z]).*$/\1/' "/proc/$1/stat" 2>/dev/null || true)"
    [[ "$st" != Z && "$st" != X ]] || return 1
  fi
  return 0
}

stop_dir() {
  local dir="$1"
  local data="$dir/data"
  if [[ -f "$data/postmaster.pid" ]]; then
    local pid
    pid="$(head -n 1 "$data/postmaster.pid" 2>/dev/null || true)"
    log "stopping server in $data (pid ${pid:-?})"
    CLUSTER_DIR="$dir" as_pg "$PG_BIN/pg_ctl" -D "$data" -m fast -w -t 60 stop >&2 \
      || CLUSTER_DIR="$dir" as_pg "$PG_BIN/pg_ctl" -D "$data" -m immediate -w -t 30 stop >&2 \
      || true
    if [[ "$pid" =~ ^[0-9]+$ ]]; then
      local i
      for i in $(seq 1 20); do
        pid_alive "$pid" || break
        sleep 0.25
      done
      if pid_alive "$pid" \
          && [[ "$(cat "/proc/$pid/comm" 2>/dev/null || echo postgres)" == postgres* ]]; then
        log "server still alive, sending SIGKILL to $pid"
        kill -KILL "$pid" 2>/dev/null || true
        sleep 1
      fi
    fi
  fi
  if safe_cluster_dir "$dir" && [[ -d "$dir" ]]; then
    rm -rf -- "$dir"
    log "removed $dir"
  fi
}

cmd_stop() {
  local dir=""
  [[ -f "$PG_STATE_FILE" ]] && dir="$(state_get dir)"
  if [[ -z "$dir" ]]; then
    log "nothing to stop (no state in $PG_STATE_FILE)"
    rm -f -- "$PG_STATE_FILE"
    return 0
  fi
  if ! safe_cluster_dir "$dir"; then
    log "state file $PG_STATE_FILE points at unexpected dir '$dir'; ignoring it"
    rm -f -- "$PG_STATE_FILE"
    return 0
  fi
  if [[ -d "$dir" ]]; then
    check_bin
    stop_dir "$dir"
  else
    log "cluster dir $dir already gone"
  fi
  rm -f -- "$PG_STATE_FILE"
  log "stopped"
}

# --------------------------------------------------------------- start ---
CLUSTER_DIR=""
START_OK=0
start_cleanup() {
  if [[ "$START_OK" -ne 1 && -n "$CLUSTER_DIR" ]]; then
    log "start failed; cleaning up $CLUSTER_DIR"
    if [[ -f "$CLUSTER_DIR/postgres.log" ]]; then
      log "---- last lines of server log ----"
      tail -n 30 "$CLUSTER_DIR/postgres.log" >&2 || true
    fi
    stop_dir "$CLUSTER_DIR" || true
    rm -f -- "$PG_STATE_FILE"
  fi
}

run_initdb() {
  local data="$1"
  local common=(-D "$data" -A trust -U "$PG_USER_NAME" --encoding=UTF8 --no-sync)
  # C.UTF-8 gives UTF-8 ctype with byte-order collation; fall back to the
  # plain C locale (still UTF8 encoding) where C.UTF-8 doesn't exist.
  if as_pg env LC_ALL=C.UTF-8 "$PG_BIN/initdb" "${common[@]}" --locale=C.UTF-8 >"$CLUSTER_DIR/initdb.log" 2>&1; then
    log "initdb ok (locale C.UTF-8)"
    return 0
  fi
  log "initdb with --locale=C.UTF-8 failed, retrying with --no-locale:"
  tail -n 5 "$CLUSTER_DIR/initdb.log" >&2 || true
  rm -rf -- "$data"
  if as_pg env LC_ALL=C "$PG_BIN/initdb" "${common[@]}" --no-locale >"$CLUSTER_DIR/initdb.log" 2>&1; then
    log "initdb ok (--no-locale)"
    return 0
  fi
  cat "$CLUSTER_DIR/initdb.log" >&2 || true
  die "initdb failed"
}

cmd_start() {
  check_bin

  # A leftover cluster recorded in the same state file (crashed run) is
  # stopped first, so that `stop` can always find what `start` created.
  if [[ -f "$PG_STATE_FILE" && -n "$(state_get dir)" ]]; then
    log "found previous cluster in $PG_STATE_FILE; stopping it first"
    cmd_stop
  fi

  trap start_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  CLUSTER_DIR="$(mktemp -d "${TMP_PREFIX}XXXXXXXX")"
  if [[ "$PG_RUN_MODE" == root ]]; then
    chown postgres: "$CLUSTER_DIR"
  fi
  chmod 700 "$CLUSTER_DIR"
  local data="$CLUSTER_DIR/data"
  # Record the dir right away so `stop` can clean up even if we die below.
  printf 'dir=%s\n' "$CLUSTER_DIR" >"$PG_STATE_FILE"
  log "cluster dir: $CLUSTER_DIR"

  run_initdb "$data"

  local port="" attempt
  for attempt in 1 2 3; do
    port="$(free_port)" || die "could not find a free TCP port"
    # Written as root into a postgres-owned file: ownership is unchanged.
    # Later settings win, so re-appending per attempt is fine.
    cat >>"$data/postgresql.conf" <<EOF

# --- baku test cluster (attempt $attempt) ---
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$CLUSTER_DIR'
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
log_min_messages = warning
log_connections = off
log_disconnections = off
EOF
    log "starting server on 127.0.0.1:$port (attempt $attempt)"
    if as_pg "$PG_BIN/pg_ctl" -D "$data" -l "$CLUSTER_DIR/postgres.log" -w -t 60 start >/dev/null 2>"$CLUSTER_DIR/pg_ctl.err"; then
      break
    fi
    cat "$CLUSTER_DIR/pg_ctl.err" >&2 || true
    tail -n 10 "$CLUSTER_DIR/postgres.log" >&2 2>/dev/null || true
    # Maybe the port was taken between picking and binding: try another.
    as_pg "$PG_BIN/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
    [[ "$attempt" -lt 3 ]] || die "server failed to start (see above)"
    port=""
  done

  local i
  for i in $(seq 1 60); do
    if as_pg "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U "$PG_USER_NAME" -d postgres; then
      break
    fi
    [[ "$i" -lt 60 ]] || die "server not ready after 30s"
    sleep 0.5
  done

  as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U "$PG_USER_NAME" "$PG_DB_NAME" >&2 \
    || die "createdb $PG_DB_NAME failed"

  local url="postgres://${PG_USER_NAME}@127.0.0.1:${port}/${PG_DB_NAME}"
  local pid
  pid="$(head -n 1 "$data/postmaster.pid" 2>/dev/null || true)"
  printf 'dir=%s\nport=%s\nurl=%s\npid=%s\n' "$CLUSTER_DIR" "$port" "$url" "$pid" >"$PG_STATE_FILE"
  START_OK=1
  trap - EXIT INT TERM
  log "ready: $url (pid $pid, state $PG_STATE_FILE)"
  printf '%s\n' "$url"
}

cmd_status() {
  local dir url port
  dir="$(state_get dir)"; url="$(state_get url)"; port="$(state_get port)"
  if [[ -n "$dir" && -n "$port" && -d "$dir/data" ]] && check_bin \
      && CLUSTER_DIR="$dir" as_pg "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port"; then
    printf '%s\n' "$url"
    return 0
  fi
  log "not running"
  return 1
}

case "${1:-}" in
  start)  cmd_start ;;
  stop)   cmd_stop ;;
  status) cmd_status ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
