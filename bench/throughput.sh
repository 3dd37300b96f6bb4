#!/usr/bin/env bash
# Issue 16's table: Convergio against what a .NET team would pick instead (bench/peers/identity:
# ASP.NET Core Identity, its cookie ticket, the built-in limiter), every row as a ratio of medians
# over alternating wrk rounds on loopback, written to bench/results/throughput.txt. Convergio runs
# as shipped: every protection on, access log on (Information, to a file).
#   authenticated GET: /api/v1/auth/me (SQLite sessions, in-process limiter) vs the peer's /me
#   the same vs the peer re-validating its security stamp on every request (a revocable cookie)
#   PostgreSQL sessions + Redis limiter vs the peer's /me
#   /health/live vs the peer's bare endpoint
# Needs wrk, ConnectionStrings__Postgres and Redis (ConnectionStrings__Redis, else a redis-server it starts).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -n "${ConnectionStrings__Postgres:-}" ] || { echo "needs ConnectionStrings__Postgres" >&2; exit 1; }
postgres_server=$ConnectionStrings__Postgres
result=bench/results/throughput.txt
work=$(mktemp -d)
. bench/lib.sh
trap cleanup EXIT

redis=$(bench_redis)
build_api
dotnet build bench/peers/identity -c Release -v q -nologo >"$work/peer-build.log" 2>&1 || { cat "$work/peer-build.log" >&2; exit 1; }

# start_peer NAME [VAR=value...]: the Identity peer with a user signed up; prints "port cookie".
start_peer() {
  local name=$1; shift
  local port; port=$(free_port)
  env "$@" PEER_SQLITE_PATH="$work/$name.db" dotnet bench/peers/identity/bin/Release/net10.0/IdentityPeer.dll --urls "http://127.0.0.1:$port" >"$work/$name.log" 2>&1 &
  echo $! >"$work/$name.pid"
  wait_live "$name" "$port"
  local password; password="Bench-$(head -c 18 /dev/urandom | base64 | tr -d '/+=')1!"
  local cookie
  cookie=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
    -d "{\"email\":\"bench-$RANDOM@example.test\",\"password\":\"$password\"}" \
    "http://127.0.0.1:$port/register" | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(\.AspNetCore\.Identity\.Application=[^;]*\).*/\1/p')
  [ -n "$cookie" ] || { echo "sign-up failed for $name" >&2; exit 1; }
  [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "http://127.0.0.1:$port/me")" = 200 ] || { echo "GET /me failed for $name" >&2; exit 1; }
  echo "$port $cookie"
}

read -r sqlite_port sqlite_session < <(start_api sqlite sqlite)
read -r pg_port pg_session < <(start_api postgres postgres ConnectionStrings__Redis="$redis")
read -r peer_port peer_cookie < <(start_peer peer)
read -r stamp_port stamp_cookie < <(start_peer stamp PEER_VALIDATE_STAMP_EVERY_REQUEST=true)

names=(sqlite_me peer_me stamp_me pg_me sqlite_live peer_live)
measure() {
  case $1 in
    sqlite_me) run_wrk "http://127.0.0.1:$sqlite_port/api/v1/auth/me" "$sqlite_session" ;;
    pg_me) run_wrk "http://127.0.0.1:$pg_port/api/v1/auth/me" "$pg_session" ;;
    peer_me) run_wrk "http://127.0.0.1:$peer_port/me" "$peer_cookie" ;;
    stamp_me) run_wrk "http://127.0.0.1:$stamp_port/me" "$stamp_cookie" ;;
    sqlite_live) run_wrk "http://127.0.0.1:$sqlite_port/health/live" ;;
    peer_live) run_wrk "http://127.0.0.1:$peer_port/health/live" ;;
  esac
}

# Warm-up (JIT, pools, caches), then rounds in alternation so drift in machine load hits every server alike.
for name in "${names[@]}"; do DURATION=3s measure "$name" >/dev/null; done
declare -A runs
for _ in $(seq 1 "${ROUNDS:-3}"); do
  for name in "${names[@]}"; do runs[$name]="${runs[$name]:-} $(measure "$name")"; done
done
declare -A m
for name in "${names[@]}"; do
  # shellcheck disable=SC2086
  m[$name]=$(median ${runs[$name]})
done

mkdir -p bench/results
{
  echo "bench/throughput.sh: wrk -t${THREADS:-2} -c${CONNECTIONS:-32} -d${DURATION:-10s} x ${ROUNDS:-3} alternating rounds on loopback, $(nproc) cores, load average at the end $(cut -d' ' -f1 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "The machine is shared with other work (not a quiet machine): compare ratios within this run, not absolute numbers."
  echo
  echo "| request | Convergio | Identity peer | ratio | target |"
  echo "|---|---|---|---|---|"
  echo "| authenticated GET (/api/v1/auth/me; peer /me), SQLite | ${m[sqlite_me]} | ${m[peer_me]} | $(ratio "${m[sqlite_me]}" "${m[peer_me]}") | >= 0.7 |"
  echo "| same, peer re-validating its security stamp on every request | ${m[sqlite_me]} | ${m[stamp_me]} | $(ratio "${m[sqlite_me]}" "${m[stamp_me]}") | >= 4 |"
  echo "| same, PostgreSQL sessions + Redis limiter | ${m[pg_me]} | ${m[peer_me]} | $(ratio "${m[pg_me]}" "${m[peer_me]}") | >= 0.35 |"
  echo "| unauthenticated /health/live (peer: bare endpoint) | ${m[sqlite_live]} | ${m[peer_live]} | $(ratio "${m[sqlite_live]}" "${m[peer_live]}") | >= 0.5 |"
  echo
  echo "runs (req/s):"
  for name in "${names[@]}"; do echo "  $name:${runs[$name]}"; done
} | tee "$result"
