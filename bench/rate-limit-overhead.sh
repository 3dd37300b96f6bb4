#!/usr/bin/env bash
# Cost of the Redis-backed rate limiter: requests/s of an authenticated GET /api/v1/auth/me
# with every protection on (Redis limiter) against the same endpoint with the limiter off
# (RateLimiting__Enabled=false), both servers up at once and measured in alternation with wrk; the
# ratio written to bench/results/rate-limit-overhead[-postgres].txt. Needs wrk (apt-get install
# wrk) and Redis: ConnectionStrings__Redis (source /work/services/env.sh), else a redis-server it
# starts. DATABASE=postgres puts the sessions in PostgreSQL as production does (a fresh database
# per server on the server of ConnectionStrings__Postgres); the default is the embedded SQLite.
set -euo pipefail
cd "$(dirname "$0")/.."
database=${DATABASE:-sqlite}
case "$database" in
  sqlite) result=bench/results/rate-limit-overhead.txt ;;
  postgres) result=bench/results/rate-limit-overhead-postgres.txt
    [ -n "${ConnectionStrings__Postgres:-}" ] || { echo "DATABASE=postgres needs ConnectionStrings__Postgres" >&2; exit 1; } ;;
  *) echo "DATABASE must be sqlite or postgres" >&2; exit 1 ;;
esac
postgres_server=${ConnectionStrings__Postgres:-}
duration=${DURATION:-10s}
connections=${CONNECTIONS:-32}
threads=${THREADS:-2}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
work=$(mktemp -d)
pids=()
pg_field() { printf '%s' "$postgres_server" | tr ';' '\n' | sed -n "s/^[[:space:]]*$1[[:space:]]*=//Ip" | tail -1; }
# Drops the PostgreSQL databases the servers created (needs psql; else they are left behind).
drop_databases() {
  local psql db
  psql=$(command -v psql || ls /usr/lib/postgresql/*/bin/psql 2>/dev/null | head -1) || return 0
  for db in $(cat "$work"/*.pgdb 2>/dev/null); do
    PGPASSWORD=$(pg_field Password) "$psql" -h "$(pg_field Host)" -p "$(pg_field Port)" -U "$(pg_field Username)" -d postgres \
      -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || echo "could not drop $db" >&2
  done
}
# start_api runs in a subshell (its output is read), so it records server pids and databases in files.
cleanup() {
  for p in "${pids[@]}" $(cat "$work"/*.pid 2>/dev/null); do kill "$p" 2>/dev/null || true; done
  sleep 0.5
  drop_databases
  rm -rf "$work"
}
trap cleanup EXIT

redis=${ConnectionStrings__Redis:-}
if [ -z "$redis" ]; then
  redis_port=$(free_port)
  "${CONVERGIO_REDIS_SERVER:-redis-server}" --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no >"$work/redis.log" 2>&1 &
  pids+=($!)
  redis="127.0.0.1:$redis_port"
  sleep 1
fi

dotnet build src/Convergio.Api -c Release -v q -nologo >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }

# Starts the API with the given extra environment and signs a new user up; prints "port cookie".
start_api() {
  local name=$1; shift
  local port; port=$(free_port)
  # A database of its own per server: SQLite in the work folder, or a new PostgreSQL database
  # (the later Database= wins; start-up migration creates it).
  local db_env=(-u ConnectionStrings__Postgres Database__SqlitePath="$work/$name.db")
  if [ "$database" = postgres ]; then
    local db="convergio_bench_${name}_$RANDOM"
    echo "$db" >"$work/$name.pgdb"
    db_env=(ConnectionStrings__Postgres="$postgres_server;Database=$db")
  fi
  env "${db_env[@]}" "$@" ASPNETCORE_ENVIRONMENT=Development Logging__LogLevel__Default=Warning \
    RateLimiting__General__PermitLimit=100000 RateLimiting__Auth__PermitLimit=100000 \
    RateLimiting__RedisKeyPrefix="bench:$name:$RANDOM:" \
    dotnet src/Convergio.Api/bin/Release/net10.0/Convergio.Api.dll --urls "http://127.0.0.1:$port" >"$work/$name.log" 2>&1 &
  echo $! >"$work/$name.pid"
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health/live" >/dev/null && break; sleep 0.2; done
  curl -sf "http://127.0.0.1:$port/health/live" >/dev/null || { echo "$name server did not start:" >&2; tail -20 "$work/$name.log" >&2; exit 1; }
  local password; password="bench-$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
  local session
  session=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
    -d "{\"email\":\"bench-$RANDOM@example.test\",\"password\":\"$password\"}" \
    "http://127.0.0.1:$port/api/v1/auth/register" | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(session=[^;]*\).*/\1/p')
  [ -n "$session" ] || { echo "sign-up failed for $name" >&2; exit 1; }
  [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $session" "http://127.0.0.1:$port/api/v1/auth/me")" = 200 ] || { echo "GET /me failed for $name" >&2; exit 1; }
  echo "$port $session"
}

# One wrk run against GET /me; prints req/s and fails on any non-2xx (a 429 would flatter the limiter).
run_wrk() {
  local port=$1 session=$2 out="$work/wrk.$RANDOM"
  wrk -t"$threads" -c"$connections" -d"$duration" -H "Cookie: $session" "http://127.0.0.1:$port/api/v1/auth/me" >"$out"
  if grep -q "Non-2xx" "$out"; then cat "$out" >&2; echo "some responses were not 2xx" >&2; exit 1; fi
  awk '/^Requests\/sec/ {print $2}' "$out"
}

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

read -r limited_port limited_session < <(start_api limited ConnectionStrings__Redis="$redis")
read -r off_port off_session < <(start_api off RateLimiting__Enabled=false)

# Both servers run side by side and are measured in alternation, so drift in machine load
# (this machine is shared) hits both alike; the medians are compared.
run_wrk "$limited_port" "$limited_session" >/dev/null
run_wrk "$off_port" "$off_session" >/dev/null
limited=(); off=()
for _ in $(seq 1 "${ROUNDS:-3}"); do
  limited+=("$(run_wrk "$limited_port" "$limited_session")")
  off+=("$(run_wrk "$off_port" "$off_session")")
done
limited_median=$(median "${limited[@]}")
off_median=$(median "${off[@]}")
ratio=$(python3 -c "print(f'{$limited_median / $off_median:.3f}')")
mkdir -p bench/results
{
  echo "Authenticated GET /api/v1/auth/me, sessions in $database, wrk -t$threads -c$connections -d$duration x ${ROUNDS:-3} alternating rounds, $(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "all protections, Redis limiter:  median $limited_median req/s  (${limited[*]})"
  echo "all protections, limiter off:    median $off_median req/s  (${off[*]})"
  echo "ratio (limited / off):           $ratio   (target >= 0.85: the limiter costs under 15%)"
} | tee "$result"
