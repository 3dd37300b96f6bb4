#!/usr/bin/env bash
# Authenticated GETs during a sign-in flood: requests/s and p99 latency of GET /api/v1/auth/me
# alone, then while a second wrk floods POST /api/v1/auth/login (wrong passwords, so every attempt
# runs Argon2id; limits raised so the rate limiter does not turn them away). Targets (issue 16):
# at least 50% of the idle throughput, p99 under 10x idle; the flood's 503s (hashing queue full)
# are counted. Results in bench/results/login-flood.txt. Needs wrk; runs on SQLite.
set -euo pipefail
cd "$(dirname "$0")/.."
postgres_server=""
result=bench/results/login-flood.txt
load_before=$(cut -d' ' -f1 /proc/loadavg)
work=$(mktemp -d)
. bench/lib.sh
trap cleanup EXIT
build_api

read -r port session < <(start_api flood sqlite RateLimiting__Auth__PermitLimit=100000 RateLimiting__Account__PermitLimit=100000 \
  RateLimiting__General__PermitLimit=100000)
# A new address per attempt (unknown accounts still run Argon2id on a dummy hash), so no per-account
# penalty short-cuts the work.
cat >"$work/login.lua" <<'LUA'
counter = 0
request = function()
  counter = counter + 1
  local body = string.format('{"email":"flood-%d-%d@example.test","password":"not-the-password"}', math.random(1, 1000000000), counter)
  return wrk.format("POST", "/api/v1/auth/login", {["Content-Type"] = "application/json"}, body)
end
LUA
me() { wrk -t1 -c16 -d"${DURATION:-10s}" --latency -H "Cookie: $session" "http://127.0.0.1:$port/api/v1/auth/me" >"$1"; }
rps() { awk '/^Requests\/sec/ {print $2}' "$1"; }
p99_ms() { awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; print v}' "$1"; }

# Rounds alternate idle and flood and the medians are kept, so a burst of other work on a shared
# machine lands in one round, not in the result.
rounds=${ROUNDS:-5}
DURATION=5s me "$work/warm.txt"
idle_rps=(); busy_rps=(); idle_p99=(); busy_p99=(); sign_ins=(); refused=0; attempts=0
for round in $(seq 1 "$rounds"); do
  me "$work/idle.txt"
  wrk -t1 -c32 -d"$(( $(printf %s "${DURATION:-10s}" | tr -d s) + 4 ))s" -s "$work/login.lua" "http://127.0.0.1:$port/api/v1/auth/login" >"$work/flood.txt" &
  flood=$!
  sleep 2
  me "$work/busy.txt"
  wait "$flood"
  idle_rps+=("$(rps "$work/idle.txt")"); busy_rps+=("$(rps "$work/busy.txt")")
  idle_p99+=("$(p99_ms "$work/idle.txt")"); busy_p99+=("$(p99_ms "$work/busy.txt")")
  sign_ins+=("$(rps "$work/flood.txt")")
  refused=$((refused + $(awk '/Non-2xx/ {print $5}' "$work/flood.txt")))
  attempts=$((attempts + $(awk '/requests in/ {print $1}' "$work/flood.txt")))
done
idle=$(median "${idle_rps[@]}"); busy=$(median "${busy_rps[@]}")
idle_latency=$(median "${idle_p99[@]}"); busy_latency=$(median "${busy_p99[@]}")

mkdir -p bench/results
{
  echo "bench/login-flood.sh: GET /api/v1/auth/me wrk -t1 -c16 -d${DURATION:-10s} in $rounds rounds alternating idle and flood, flood wrk -t1 -c32 POST /login (unknown addresses), SQLite, $(nproc) cores, load average $load_before before it, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "idle:   $idle req/s, p99 $idle_latency ms  (medians of $rounds rounds: ${idle_rps[*]} req/s; ${idle_p99[*]} ms)"
  echo "flood:  $busy req/s, p99 $busy_latency ms  (${busy_rps[*]} req/s; ${busy_p99[*]} ms)"
  echo "throughput kept: $(ratio "$busy" "$idle")  (target >= 0.5)"
  echo "p99 ratio:       $(ratio "$busy_latency" "$idle_latency")  (target < 10)"
  echo "sign-ins: $(median "${sign_ins[@]}") req/s (median); $refused non-2xx of $attempts (401 wrong password, 503 hashing queue full)"
} | tee "$result"
