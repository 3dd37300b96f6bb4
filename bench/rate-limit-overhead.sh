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
work=$(mktemp -d)
. bench/lib.sh
trap cleanup EXIT

redis=$(bench_redis)
build_api

run() { run_wrk "http://127.0.0.1:$1/api/v1/auth/me" "$2"; }

read -r limited_port limited_session < <(start_api limited "$database" Logging__LogLevel__Default=Warning ConnectionStrings__Redis="$redis")
read -r off_port off_session < <(start_api off "$database" Logging__LogLevel__Default=Warning RateLimiting__Enabled=false)

# Both servers run side by side and are measured in alternation, so drift in machine load
# (this machine is shared) hits both alike; the medians are compared.
run "$limited_port" "$limited_session" >/dev/null
run "$off_port" "$off_session" >/dev/null
limited=(); off=()
for _ in $(seq 1 "${ROUNDS:-3}"); do
  limited+=("$(run "$limited_port" "$limited_session")")
  off+=("$(run "$off_port" "$off_session")")
done
limited_median=$(median "${limited[@]}")
off_median=$(median "${off[@]}")
ratio=$(ratio "$limited_median" "$off_median")
mkdir -p bench/results
{
  echo "Authenticated GET /api/v1/auth/me, sessions in $database, wrk -t${THREADS:-2} -c${CONNECTIONS:-32} -d${DURATION:-10s} x ${ROUNDS:-3} alternating rounds, $(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "all protections, Redis limiter:  median $limited_median req/s  (${limited[*]})"
  echo "all protections, limiter off:    median $off_median req/s  (${off[*]})"
  echo "ratio (limited / off):           $ratio   (target >= 0.85: the limiter costs under 15%)"
} | tee "$result"
