#!/usr/bin/env bash
# Account-existence timing parity: starts the API on SQLite on a loopback port with the sign-in
# limits raised (the penalty would otherwise answer 429 without hashing) and sign-up in its
# Production form (202 for new and taken addresses), measures sign-in, forgot-password and
# sign-up for unknown against known addresses, and writes bench/results/login-timing.txt,
# beginning with the command that produced it.
# DB=postgres runs it on a fresh database of the server ConnectionStrings__Postgres names (dropped
# afterwards) and writes bench/results/login-timing-postgres.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
work=$(mktemp -d)
trap 'kill $api 2>/dev/null || true; rm -rf "$work"' EXIT
dotnet build src/Convergio.Api -c Release -v q -nologo >/dev/null
db=${DB:-sqlite}
case "$db" in
  sqlite) database=(-u ConnectionStrings__Postgres "Database__SqlitePath=$work/bench.db"); result=bench/results/login-timing.txt ;;
  postgres)
    : "${ConnectionStrings__Postgres:?DB=postgres needs ConnectionStrings__Postgres}"
    name="convergio_bench_$RANDOM$RANDOM"
    database=("ConnectionStrings__Postgres=$(sed -E "s/Database=[^;]*/Database=$name/" <<<"$ConnectionStrings__Postgres")")
    result=bench/results/login-timing-postgres.txt
    pg() { python3 - "$ConnectionStrings__Postgres" "$1" <<'PY'
import subprocess, sys
parts = dict(p.split("=", 1) for p in sys.argv[1].split(";") if "=" in p)
subprocess.run(["psql", "-q", "-h", parts["Host"], "-p", parts.get("Port", "5432"), "-U", parts["Username"], "-d", "postgres", "-c", sys.argv[2]],
               env={"PGPASSWORD": parts.get("Password", ""), "PATH": "/usr/bin:/bin"}, check=True)
PY
    }
    trap 'kill $api 2>/dev/null || true; wait $api 2>/dev/null || true; pg "DROP DATABASE IF EXISTS $name WITH (FORCE)"; rm -rf "$work"' EXIT ;;
  *) echo "DB must be sqlite or postgres" >&2; exit 2 ;;
esac
env "${database[@]}" ASPNETCORE_ENVIRONMENT=Development \
  RateLimiting__Auth__PermitLimit=100000 RateLimiting__Account__PermitLimit=100000 Auth__RequireVerifiedEmail=true \
  dotnet src/Convergio.Api/bin/Release/net10.0/Convergio.Api.dll --urls "http://127.0.0.1:$port" >"$work/api.log" 2>&1 &
api=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health/live" >/dev/null && break; sleep 0.2; done
rounds=${ROUNDS:-60}
dotnet run --project bench/LoginTiming -c Release -- "http://127.0.0.1:$port" "$rounds" "$work/result.txt"
{
  echo "command: DB=$db ROUNDS=$rounds bench/login-timing.sh (API: Release build, loopback, Auth__RequireVerifiedEmail=true; $(nproc) cores)"
  cat "$work/result.txt"
} >"$result"
