#!/usr/bin/env bash
# Memory soak (issue 16): GET /api/v1/auth/me at about 70% of the capacity measured first, for
# SOAK_SECONDS (default 600), sampling the server's resident memory every 10 s. Targets: RSS at the
# end within 10% of RSS after the first minute (warm-up: JIT, pools, caches), and 0 errors.
# DATABASE=postgres runs as in production (PostgreSQL sessions, Redis limiter; needs
# ConnectionStrings__Postgres and Redis, ConnectionStrings__Redis or a redis-server it starts);
# the default is SQLite. Results in bench/results/soak.txt (soak-postgres.txt). Needs wrk.
set -euo pipefail
cd "$(dirname "$0")/.."
database=${DATABASE:-sqlite}
postgres_server=${ConnectionStrings__Postgres:-}
result=bench/results/soak.txt
extra=()
if [ "$database" = postgres ]; then
  [ -n "$postgres_server" ] || { echo "DATABASE=postgres needs ConnectionStrings__Postgres" >&2; exit 1; }
  result=bench/results/soak-postgres.txt
fi
work=$(mktemp -d)
. bench/lib.sh
trap cleanup EXIT
[ "$database" = postgres ] && extra=(ConnectionStrings__Redis="$(bench_redis)")
seconds=${SOAK_SECONDS:-600}
# Capacity is measured as in throughput.sh (32 connections). The paced load uses many connections:
# wrk's per-connection wait is whole milliseconds and comes on top of each request's own time, so
# with few connections one millisecond is a large share of the rate.
connections=128
build_api
read -r port session < <(start_api soak "$database" "${extra[@]}")
pid=$(cat "$work/soak.pid")
url="http://127.0.0.1:$port/api/v1/auth/me"

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$pid/status"; }

DURATION=5s run_wrk "$url" "$session" >/dev/null
capacity=$(DURATION=15s run_wrk "$url" "$session")
target=$(python3 -c "print($capacity * 0.7)")
# The wait is calibrated: each 10 s trial gives the time a request takes at that rate (the cycle
# minus the wait), and the next wait is the cycle that asks for the target less that time.
delay_ms=$(python3 -c "print(max(1, round($connections * 1000 / $target)))")
for _ in 1 2 3; do
  echo "function delay() return $delay_ms end" >"$work/paced.lua"
  trial=$(SCRIPT="$work/paced.lua" DURATION=10s CONNECTIONS=$connections run_wrk "$url" "$session")
  delay_ms=$(python3 -c "
cycle = $connections * 1000 / $trial
request = max(0.0, cycle - $delay_ms)
print(max(1, round($connections * 1000 / $target - request)))")
done
echo "function delay() return $delay_ms end" >"$work/paced.lua"

wrk -t2 -c"$connections" -d"${seconds}s" -s "$work/paced.lua" -H "Cookie: $session" "$url" >"$work/soak-wrk.txt" &
load=$!
samples=()
elapsed=0
while kill -0 "$load" 2>/dev/null; do
  sleep 10; elapsed=$((elapsed + 10))
  kill -0 "$pid" 2>/dev/null || { echo "the server exited during the soak" >&2; tail -20 "$work/soak.log" >&2; exit 1; }
  samples+=("$elapsed:$(rss_kb)")
done
wait "$load"

achieved=$(awk '/^Requests\/sec/ {print $2}' "$work/soak-wrk.txt")
non2xx=$(awk '/Non-2xx/ {print $5}' "$work/soak-wrk.txt"); non2xx=${non2xx:-0}
socket_errors=$(awk -F'[ ,]+' '/Socket errors/ {print $4 + $6 + $8 + $10}' "$work/soak-wrk.txt"); socket_errors=${socket_errors:-0}
warm=$(printf '%s\n' "${samples[@]}" | awk -F: '$1 >= 60 {print $2; exit}')
[ -n "$warm" ] || warm=$(printf '%s\n' "${samples[@]}" | head -1 | cut -d: -f2)
last=$(printf '%s\n' "${samples[@]}" | tail -1 | cut -d: -f2)
max=$(printf '%s\n' "${samples[@]}" | cut -d: -f2 | sort -n | tail -1)

mkdir -p bench/results
{
  echo "bench/soak.sh: GET /api/v1/auth/me for ${seconds} s at ~70% of capacity, $database, wrk -t2 -c$connections paced ${delay_ms} ms per connection, $(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "capacity (wrk -t2 -c32): $capacity req/s; soak: $achieved req/s ($(ratio "$achieved" "$capacity") of capacity)"
  echo "errors: $non2xx non-2xx, $socket_errors socket errors  (target 0)"
  echo "RSS after warm-up $((warm / 1024)) MiB, at the end $((last / 1024)) MiB, max $((max / 1024)) MiB: end/warm $(ratio "$last" "$warm")  (target <= 1.10)"
  echo "samples (s:KiB): ${samples[*]}"
} | tee "$result"
