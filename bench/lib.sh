# Shared by the bench scripts (sourced): loopback ports, servers started and stopped, wrk runs, medians.
# The sourcing script sets work (a temporary folder) and postgres_server (ConnectionStrings__Postgres or empty).

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

ratio() { python3 -c "print(f'{$1 / $2:.3f}')"; }

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

# Servers run in subshells (their output is read), so their pids and databases are kept in files.
cleanup() {
  for p in $(cat "$work"/*.pid 2>/dev/null); do kill "$p" 2>/dev/null || true; done
  sleep 0.5
  drop_databases
  rm -rf "$work"
}

# ConnectionStrings__Redis, else a redis-server of the script's own; prints the connection string.
bench_redis() {
  if [ -n "${ConnectionStrings__Redis:-}" ]; then echo "$ConnectionStrings__Redis"; return; fi
  local port; port=$(free_port)
  "${CONVERGIO_REDIS_SERVER:-redis-server}" --port "$port" --bind 127.0.0.1 --save "" --appendonly no >"$work/redis.log" 2>&1 &
  echo $! >"$work/redis.pid"
  sleep 1
  echo "127.0.0.1:$port"
}

build_api() { dotnet build src/Convergio.Api -c Release -v q -nologo >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }; }

wait_live() {
  local name=$1 port=$2
  for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$port/health/live" >/dev/null && return; sleep 0.2; done
  echo "$name server did not start:" >&2; tail -20 "$work/$name.log" >&2; exit 1
}

# start_api NAME sqlite|postgres [VAR=value...]: the API (Release, Development environment) with a
# database of its own, a new user signed up; prints "port cookie".
start_api() {
  local name=$1 database=$2; shift 2
  local port; port=$(free_port)
  # SQLite in the work folder, or a new PostgreSQL database (the later Database= wins; start-up migration creates it).
  local db_env=(-u ConnectionStrings__Postgres Database__SqlitePath="$work/$name.db")
  if [ "$database" = postgres ]; then
    local db="convergio_bench_${name}_$RANDOM"
    echo "$db" >"$work/$name.pgdb"
    db_env=(ConnectionStrings__Postgres="$postgres_server;Database=$db")
  fi
  env -u ConnectionStrings__Redis "${db_env[@]}" ASPNETCORE_ENVIRONMENT=Development \
    RateLimiting__General__PermitLimit=100000 RateLimiting__Auth__PermitLimit=100000 RateLimiting__General__WindowSeconds=1 \
    RateLimiting__RedisKeyPrefix="bench:$name:$RANDOM:" "$@" \
    dotnet src/Convergio.Api/bin/Release/net10.0/Convergio.Api.dll --urls "http://127.0.0.1:$port" >"$work/$name.log" 2>&1 &
  echo $! >"$work/$name.pid"
  wait_live "$name" "$port"
  local password; password="bench-$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
  local session
  session=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
    -d "{\"email\":\"bench-$RANDOM@example.test\",\"password\":\"$password\"}" \
    "http://127.0.0.1:$port/api/v1/auth/register" | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(session=[^;]*\).*/\1/p')
  [ -n "$session" ] || { echo "sign-up failed for $name" >&2; exit 1; }
  [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $session" "http://127.0.0.1:$port/api/v1/auth/me")" = 200 ] || { echo "GET /me failed for $name" >&2; exit 1; }
  echo "$port $session"
}

# run_wrk URL [COOKIE]: requests/s; fails on any non-2xx (a 401 or 429 would flatter the server).
# SCRIPT names a wrk Lua script (the soak's pacing).
run_wrk() {
  local url=$1 cookie=${2:-} out="$work/wrk.$RANDOM"
  local options=()
  [ -n "$cookie" ] && options+=(-H "Cookie: $cookie")
  [ -n "${SCRIPT:-}" ] && options+=(-s "$SCRIPT")
  wrk -t"${THREADS:-2}" -c"${CONNECTIONS:-32}" -d"${DURATION:-10s}" "${options[@]}" "$url" >"$out"
  if grep -q "Non-2xx" "$out"; then cat "$out" >&2; echo "some responses from $url were not 2xx" >&2; exit 1; fi
  awk '/^Requests\/sec/ {print $2}' "$out"
}
