#!/usr/bin/env bash
# Starts the Redis servers that the live-backend tests talk to, on loopback only, and stops exactly those.
#
#   eval "$(bash .ci/services.sh start)"   # installs redis-server if missing, starts, prints `export` lines
#   bash .ci/services.sh env               # prints the `export` lines again (servers must be running)
#   bash .ci/services.sh status            # says what is running
#   bash .ci/services.sh stop              # stops what `start` started, removes its temp dirs
#
# What it starts: a standalone server on 127.0.0.1:6390, a password-protected standalone server on
# 127.0.0.1:6391 (--requirepass, for the tests of the original project's .env style) and a 3-master Redis
# Cluster on 127.0.0.1:7101-7103 (bus ports 17101-17103). Nothing is persisted (--save "" --appendonly no). Each server has its own dir
# under $CACHESIM_SERVICES_DIR (default /tmp/cachesim-services) holding its pidfile, log and nodes.conf;
# `stop` kills only the pids in those pidfiles. stdout carries only the `export` lines, so `eval` is safe;
# progress goes to stderr. Every wait is bounded, so a broken machine fails in seconds, not hangs.
set -euo pipefail

BASE_DIR="${CACHESIM_SERVICES_DIR:-${TMPDIR:-/tmp}/cachesim-services}"
STANDALONE_PORT=6390
AUTH_PORT=6391
# A test password, not a secret: it holds a space, '#' and a quote on purpose, so the tests exercise quoting
# in .env files. Single quotes in the export line below keep it one word for `eval`.
AUTH_PASSWORD="cachesim test#pw\"1"
CLUSTER_PORTS=(7101 7102 7103)
ALL_PORTS=("$STANDALONE_PORT" "$AUTH_PORT" "${CLUSTER_PORTS[@]}")
ENV_FILE="$BASE_DIR/env.sh"

log() { echo "services: $*" >&2; }
die() {
  echo "services: error: $*" >&2
  exit 1
}

# redis-cli has no connect timeout of its own; `timeout` keeps a stuck server from hanging the script.
cli() {
  local port=$1
  shift
  timeout 5 redis-cli -h 127.0.0.1 -p "$port" "$@"
}

pid_of() {
  local pidfile="$BASE_DIR/$1/redis.pid"
  [[ -s "$pidfile" ]] && cat "$pidfile"
}

# A process that has exited but not been reaped yet (a zombie: daemonized servers are reparented to PID 1,
# which may reap late) counts as stopped.
alive() {
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ -n "$state" && "$state" != "Z" ]]
}

# Ours and alive: the pidfile names a live redis-server process.
is_ours_running() {
  local pid
  pid=$(pid_of "$1") || return 1
  alive "$pid" && grep -q redis-server "/proc/$pid/cmdline" 2>/dev/null
}

# A password-protected server answers NOAUTH to a bare PING: that is an answer too.
answers_ping() { [[ "$(cli "$1" ping 2>/dev/null)" =~ ^(PONG|NOAUTH) ]]; }

cluster_ok() {
  local info
  info=$(cli "${CLUSTER_PORTS[0]}" cluster info 2>/dev/null) || return 1
  grep -q "cluster_state:ok" <<<"$info" && grep -q "cluster_known_nodes:${#CLUSTER_PORTS[@]}" <<<"$info"
}

ensure_redis_installed() {
  if command -v redis-server >/dev/null && command -v redis-cli >/dev/null; then return; fi
  [[ $(id -u) -eq 0 ]] || die "redis-server is not installed and installing it needs root: apt-get install -y redis-server"
  log "installing redis-server from Debian's packages"
  # The Debian package may try to start its own service on 6379; our ports are different, so that is harmless.
  timeout 600 bash -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server' >&2 ||
    die "apt-get install redis-server failed"
}

start_server() {
  local port=$1
  shift
  local dir="$BASE_DIR/$port"
  if is_ours_running "$port" && answers_ping "$port"; then
    log "127.0.0.1:$port already running (pid $(pid_of "$port"))"
    return
  fi
  if answers_ping "$port"; then
    die "127.0.0.1:$port is taken by a Redis that this script did not start; stop it or free the port"
  fi
  rm -rf "$dir"
  mkdir -p "$dir"
  redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" \
    --daemonize yes --save "" --appendonly no "$@" >&2
  local i
  for ((i = 0; i < 50; i++)); do
    answers_ping "$port" && return
    sleep 0.1
  done
  tail -5 "$dir/redis.log" >&2 || true
  die "redis-server on 127.0.0.1:$port did not answer within 5 s"
}

print_env() {
  local nodes
  nodes=$(printf '127.0.0.1:%s,' "${CLUSTER_PORTS[@]}")
  nodes=${nodes%,}
  {
    echo "export CACHESIM_TEST_REDIS_URL=redis://127.0.0.1:$STANDALONE_PORT"
    echo "export CACHESIM_TEST_REDIS_CLUSTER_NODES=$nodes"
    echo "export CACHESIM_TEST_REDIS_AUTH_PORT=$AUTH_PORT"
    echo "export CACHESIM_TEST_REDIS_AUTH_PASSWORD='$AUTH_PASSWORD'"
  } | tee "$ENV_FILE"
}

stop_all() {
  local port pid i
  for port in "${ALL_PORTS[@]}"; do
    if is_ours_running "$port"; then
      pid=$(pid_of "$port")
      log "stopping 127.0.0.1:$port (pid $pid)"
      kill "$pid" 2>/dev/null || true
      for ((i = 0; i < 50; i++)); do
        alive "$pid" || break
        sleep 0.1
      done
      if alive "$pid"; then kill -9 "$pid" 2>/dev/null || true; fi
    fi
    rm -rf "${BASE_DIR:?}/$port"
  done
  rm -f "$ENV_FILE"
}

start_all() {
  ensure_redis_installed
  mkdir -p "$BASE_DIR"
  # A cluster that is already up and healthy is reused; a half-started one is rebuilt from scratch, since
  # nodes that restarted with stale nodes.conf cannot simply be re-joined.
  local port fresh=0
  for port in "${CLUSTER_PORTS[@]}"; do
    is_ours_running "$port" || fresh=1
  done
  if [[ $fresh -eq 0 ]] && ! cluster_ok; then
    log "cluster is not healthy; rebuilding it"
    fresh=1
  fi
  if [[ $fresh -eq 1 ]]; then
    for port in "${CLUSTER_PORTS[@]}"; do
      if is_ours_running "$port"; then kill "$(pid_of "$port")" 2>/dev/null || true; fi
      rm -rf "${BASE_DIR:?}/$port"
    done
    sleep 0.2
  fi

  start_server "$STANDALONE_PORT"
  start_server "$AUTH_PORT" --requirepass "$AUTH_PASSWORD"
  for port in "${CLUSTER_PORTS[@]}"; do
    start_server "$port" --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 2000
  done

  if ! cluster_ok; then
    local addrs=()
    for port in "${CLUSTER_PORTS[@]}"; do addrs+=("127.0.0.1:$port"); done
    log "creating the cluster ${addrs[*]}"
    timeout 60 redis-cli --cluster create "${addrs[@]}" --cluster-replicas 0 --cluster-yes >&2 ||
      die "redis-cli --cluster create failed"
    local i
    for ((i = 0; i < 200; i++)); do
      cluster_ok && break
      sleep 0.1
    done
    cluster_ok || die "cluster did not reach cluster_state:ok within 20 s"
  fi
  # Every node must agree before tests send traffic, not just the first one asked.
  for port in "${CLUSTER_PORTS[@]}"; do
    local j
    for ((j = 0; j < 100; j++)); do
      cli "$port" cluster info 2>/dev/null | grep -q "cluster_state:ok" && break
      sleep 0.1
    done
  done
  log "standalone 127.0.0.1:$STANDALONE_PORT, password-protected 127.0.0.1:$AUTH_PORT and cluster 127.0.0.1:${CLUSTER_PORTS[0]}-${CLUSTER_PORTS[-1]} are up"
  print_env
}

status() {
  local port
  for port in "${ALL_PORTS[@]}"; do
    if is_ours_running "$port"; then
      echo "127.0.0.1:$port running (pid $(pid_of "$port"))"
    else
      echo "127.0.0.1:$port not running"
    fi
  done
  cluster_ok && echo "cluster: ok" || echo "cluster: not ok"
}

case "${1:-start}" in
start) start_all ;;
stop) stop_all ;;
env) cat "$ENV_FILE" 2>/dev/null || die "not running: use start" ;;
status) status ;;
*) die "usage: $0 start|stop|env|status" ;;
esac
