#!/usr/bin/env bash
# Account-existence timing parity: starts the API on SQLite on a loopback port with the sign-in
# limits raised (the penalty would otherwise answer 429 without hashing) and sign-up in its
# Production form (202 for new and taken addresses), measures sign-in, forgot-password and
# sign-up for unknown against known addresses, and writes bench/results/login-timing.txt,
# beginning with the command that produced it.
set -euo pipefail
cd "$(dirname "$0")/.."
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
work=$(mktemp -d)
trap 'kill $api 2>/dev/null || true; rm -rf "$work"' EXIT
dotnet build src/Convergio.Api -c Release -v q -nologo >/dev/null
env -u ConnectionStrings__Postgres ASPNETCORE_ENVIRONMENT=Development Database__SqlitePath="$work/bench.db" \
  RateLimiting__Auth__PermitLimit=100000 RateLimiting__Account__PermitLimit=100000 Auth__RequireVerifiedEmail=true \
  dotnet src/Convergio.Api/bin/Release/net10.0/Convergio.Api.dll --urls "http://127.0.0.1:$port" >"$work/api.log" 2>&1 &
api=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health/live" >/dev/null && break; sleep 0.2; done
rounds=${ROUNDS:-60}
dotnet run --project bench/LoginTiming -c Release -- "http://127.0.0.1:$port" "$rounds" "$work/result.txt"
{
  echo "command: ROUNDS=$rounds bench/login-timing.sh (API: Release build on SQLite, loopback, Auth__RequireVerifiedEmail=true; $(nproc) cores)"
  cat "$work/result.txt"
} >bench/results/login-timing.txt
