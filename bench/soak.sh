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
connections=16
build_api
read -r port session < <(start_api soak "$database" "${extra[@]}")
pid=$(cat "$work/soak.pid")
url="http://127.0.0.1:$port/api/v1/auth/me"

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$pid/status"; }

DURATION=5s CONNECTIONS=$connections run_wrk "$url" "$session" >/dev/null
capacity=$(DURATION=15s CONNECTIONS=$connections run_wrk "$url" "$session")
# Each connection waits between requests so that all of them together ask for 70% of capacity.
delay_ms=$(python3 -c "print(max(1, round($connections * 1000 / ($capacity * 0.7))))")
cat >"$work/paced.lua" <<LUA
function delay() return $delay_ms end
LUA

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
  echo "The machine is shared with other work (not a quiet machine)."
  echo "capacity: $capacity req/s; soak: $achieved req/s ($(ratio "$achieved" "$capacity") of capacity)"
  echo "errors: $non2xx non-2xx, $socket_errors socket errors  (target 0)"
  echo "RSS after warm-up $((warm / 1024)) MiB, at the end $((last / 1024)) MiB, max $((max / 1024)) MiB: end/warm $(ratio "$last" "$warm")  (target <= 1.10)"
  echo "samples (s:KiB): ${samples[*]}"
} | tee "$result"
