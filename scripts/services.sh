# Throwaway services for scripts/test.sh and scripts/bench.sh — sourced, not run.
#   services_start NAME [redis]
# starts a PostgreSQL cluster (and a Redis server if asked) on free loopback ports, in a directory
# /tmp/qaportal-NAME.XXXXXX that is stopped and removed when the sourcing script exits, and exports
# the QAPORTAL_DB_* variables (and REDIS_URL) that point Django at them, and QAPORTAL_TEST_PG_* (pg_ctl,
# data directory, log) for tests that restart the cluster. The database itself is not
# created: pytest-django creates test_<NAME>; scripts/bench.sh runs services_createdb.
# QAPORTAL_PG_DURABLE=1: commits flushed to disk as in production (the benchmark's saves); otherwise
# fast and unsafe, as a throwaway cluster for tests can be.

free_port() { .venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# initdb and postgres refuse to run as root: the cluster belongs to the postgres user.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

services_start() {
  local name=$1 with_redis=${2:-}
  pgbin=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  services_dir=$(mktemp -d "/tmp/qaportal-$name.XXXXXX")
  chmod 755 "$services_dir"; mkdir -p "$services_dir/pg" "$services_dir/redis"; chown postgres: "$services_dir/pg"
  pg_port=$(free_port); redis_port=$([ "$with_redis" = redis ] && free_port || true)
  trap services_stop EXIT

  as_pg "$pgbin/initdb" -D "$services_dir/pg/data" --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync -U postgres >/dev/null
  # Fast and unsafe unless asked: the cluster is thrown away, so nothing needs to survive a crash.
  local durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  [ "${QAPORTAL_PG_DURABLE:-}" = 1 ] && durability=""
  as_pg "$pgbin/pg_ctl" -D "$services_dir/pg/data" -l "$services_dir/pg/log" -w -o \
    "-p $pg_port -k $services_dir/pg -c listen_addresses=127.0.0.1 $durability" start >/dev/null
  if [ -n "$redis_port" ]; then
    redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$services_dir/redis" \
      --daemonize yes --pidfile "$services_dir/redis/redis.pid" --logfile "$services_dir/redis/redis.log"
    for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
    export REDIS_URL="redis://127.0.0.1:$redis_port/0"
  fi

  export QAPORTAL_DB_ENGINE=postgresql QAPORTAL_DB_HOST=127.0.0.1 QAPORTAL_DB_PORT="$pg_port" \
    QAPORTAL_DB_USER=postgres QAPORTAL_DB_NAME=qaportal
  # For the resilience tests, which restart this cluster in place (pg_ctl restart keeps its options).
  export QAPORTAL_TEST_PG_CTL="$pgbin/pg_ctl" QAPORTAL_TEST_PG_DATA="$services_dir/pg/data" \
    QAPORTAL_TEST_PG_LOG="$services_dir/pg/log"
}

services_createdb() {
  as_pg "$pgbin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres "$QAPORTAL_DB_NAME"
}

services_stop() {
  as_pg "$pgbin/pg_ctl" -D "$services_dir/pg/data" -m immediate stop >/dev/null 2>&1 || true
  [ -z "$redis_port" ] || redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$services_dir"
}
