#!/usr/bin/env bash
# Scale-out (issue 16): three API instances sharing one PostgreSQL database and one Redis, behind the
# YARP proxy of bench/proxy (round-robin). Measures
#   - revocation across instances: a session is signed in and used on every instance (so each caches
#     it), then signed out on one; the time until each other instance refuses it (target < 100 ms);
#   - the shared limit: with General limited to N per window, requests through the proxy are
#     200 exactly N times, then 429, whichever instance serves them;
#   - throughput of GET /api/v1/auth/me through the proxy against one instance directly (a ratio).
# Results in bench/results/scale-out.txt. Needs wrk, python3, ConnectionStrings__Postgres and Redis
# (ConnectionStrings__Redis, else a redis-server it starts).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -n "${ConnectionStrings__Postgres:-}" ] || { echo "needs ConnectionStrings__Postgres" >&2; exit 1; }
postgres_server=$ConnectionStrings__Postgres
result=bench/results/scale-out.txt
work=$(mktemp -d)
. bench/lib.sh
trap cleanup EXIT

redis=$(bench_redis)
build_api
dotnet build bench/proxy -c Release -v q -nologo >"$work/proxy-build.log" 2>&1 || { cat "$work/proxy-build.log" >&2; exit 1; }

database="convergio_bench_scale_$RANDOM"
echo "$database" >"$work/scale.pgdb"
prefix="bench:scale:$RANDOM:"
limit=${LIMIT:-20}
# Replicas share their keys (from the secret store in production): generated for this run.
signing_key="bench-$(head -c 48 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
encryption_key=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_')

# start_instance NAME PERMIT_LIMIT [WINDOW_SECONDS]: one API instance on the shared database and Redis; prints its port.
# The throughput instances allow PERMIT_LIMIT a second (a quiet machine serves more than 100000 a minute).
start_instance() {
  local name=$1 permit=$2 window=${3:-1} port; port=$(free_port)
  env ConnectionStrings__Postgres="$postgres_server;Database=$database" ConnectionStrings__Redis="$redis" \
    ASPNETCORE_ENVIRONMENT=Development Security__SigningKeys__0="$signing_key" Encryption__Keys__0="$encryption_key" \
    RateLimiting__General__PermitLimit="$permit" RateLimiting__General__WindowSeconds="$window" RateLimiting__Auth__PermitLimit=100000 RateLimiting__Account__PermitLimit=100000 \
    RateLimiting__RedisKeyPrefix="$prefix$permit:" RateLimiting__RedisTimeoutMilliseconds=5000 \
    dotnet src/Convergio.Api/bin/Release/net10.0/Convergio.Api.dll --urls "http://127.0.0.1:$port" >"$work/$name.log" 2>&1 &
  echo $! >"$work/$name.pid"
  wait_live "$name" "$port"
  echo "$port"
}

start_proxy() {
  local name=$1 destinations=$2 port; port=$(free_port)
  PROXY_DESTINATIONS=$destinations dotnet bench/proxy/bin/Release/net10.0/Proxy.dll --urls "http://127.0.0.1:$port" >"$work/$name.log" 2>&1 &
  echo $! >"$work/$name.pid"
  for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$port/proxy/live" >/dev/null && { echo "$port"; return; }; sleep 0.2; done
  echo "proxy did not start" >&2; exit 1
}

# The first instance migrates the new database; the others start once it is there.
a=$(start_instance a 100000)
b=$(start_instance b 100000)
c=$(start_instance c 100000)
proxy=$(start_proxy proxy "http://127.0.0.1:$a,http://127.0.0.1:$b,http://127.0.0.1:$c")

python3 - "$a" "$b" "$c" "$proxy" >"$work/revocation.txt" <<'PY'
import http.client, json, os, statistics, sys, time
a, b, c, proxy = (int(p) for p in sys.argv[1:5])
trials = int(os.environ.get("TRIALS", "30"))

def request(conn, method, path, cookies, body=None, headers=None):
    h = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()), "Accept": "application/json"}
    h.update(headers or {})
    if body is not None:
        h["Content-Type"] = "application/json"
        body = json.dumps(body)
    conn.request(method, path, body=body, headers=h)
    r = conn.getresponse()
    data = r.read()
    for name, value in r.getheaders():
        if name.lower() == "set-cookie":
            k, v = value.split(";", 1)[0].split("=", 1)
            if v:
                cookies[k] = v
            else:
                cookies.pop(k, None)
    return r.status, data

conns = {p: http.client.HTTPConnection("127.0.0.1", p) for p in (a, b, c)}
password = "bench-" + os.urandom(18).hex()
email = f"scale-{os.getpid()}@example.test"
cookies = {}
status, _ = request(conns[a], "POST", "/api/v1/auth/register", cookies, {"email": email, "password": password})
assert status in (200, 201), status
delays = []
for _ in range(trials):
    session = {}
    status, _ = request(conns[a], "POST", "/api/v1/auth/login", session, {"email": email, "password": password})
    assert status == 200, status
    for p in (a, b, c):
        assert request(conns[p], "GET", "/api/v1/auth/me", dict(session))[0] == 200
    status, body = request(conns[a], "GET", "/api/v1/auth/csrf", session)
    token = json.loads(body)["token"]
    stale = dict(session)  # the cookies an attacker holding the session would keep sending
    status, _ = request(conns[a], "POST", "/api/v1/auth/logout", session, {}, {"X-CSRF-Token": token})
    assert status == 204, status
    signed_out = time.perf_counter()
    pending = {b, c}
    while pending and time.perf_counter() - signed_out < 5:
        for p in list(pending):
            if request(conns[p], "GET", "/api/v1/auth/me", dict(stale))[0] == 401:
                delays.append((time.perf_counter() - signed_out) * 1000)
                pending.discard(p)
    assert not pending, f"instances {pending} still accepted the session 5 s after sign-out"
delays.sort()
print(f"revocation seen by the other instances (ms, {len(delays)} observations): "
      f"median {statistics.median(delays):.1f}, p95 {delays[int(len(delays) * 0.95) - 1]:.1f}, max {delays[-1]:.1f}  (target < 100)")
PY

# The shared limit: a fresh set of instances limited to $limit per window, reached only through the proxy.
for n in a b c proxy; do kill "$(cat "$work/$n.pid")" 2>/dev/null || true; done
la=$(start_instance la "$limit" 60)
lb=$(start_instance lb "$limit" 60)
lc=$(start_instance lc "$limit" 60)
lproxy=$(start_proxy lproxy "http://127.0.0.1:$la,http://127.0.0.1:$lb,http://127.0.0.1:$lc")
# The instances' start-up health probes count against the same window, so the budget left is read
# from the first answer (X-RateLimit-Remaining): exactly that many more may pass, whichever instance serves them.
first=$(curl -s -D - -o /dev/null "http://127.0.0.1:$lproxy/api/v1/auth/me" | tr -d '\r')
statuses=$(printf '%s\n' "$first" | sed -n 's/^HTTP\/[0-9.]* \([0-9]*\).*/\1/p' | head -1)
remaining=$(printf '%s\n' "$first" | sed -n 's/^[Xx]-[Rr]ate[Ll]imit-[Rr]emaining: *//p')
for _ in $(seq 2 $((limit + 6))); do statuses="$statuses $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$lproxy/api/v1/auth/me")"; done
oks=$(printf '%s\n' $statuses | grep -c '^401$' || true)
limited=$(printf '%s\n' $statuses | grep -c '^429$' || true)
for n in la lb lc lproxy; do kill "$(cat "$work/$n.pid")" 2>/dev/null || true; done

# Throughput through the proxy against one instance directly.
a=$(start_instance ta 100000)
b=$(start_instance tb 100000)
c=$(start_instance tc 100000)
proxy=$(start_proxy tproxy "http://127.0.0.1:$a,http://127.0.0.1:$b,http://127.0.0.1:$c")
password="bench-$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
session=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' -d "{\"email\":\"tp-$RANDOM@example.test\",\"password\":\"$password\"}" \
  "http://127.0.0.1:$a/api/v1/auth/register" | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(session=[^;]*\).*/\1/p')
[ -n "$session" ] || { echo "sign-up failed" >&2; exit 1; }
DURATION=3s run_wrk "http://127.0.0.1:$proxy/api/v1/auth/me" "$session" >/dev/null
DURATION=3s run_wrk "http://127.0.0.1:$a/api/v1/auth/me" "$session" >/dev/null
direct=(); proxied=()
for _ in $(seq 1 "${ROUNDS:-3}"); do
  direct+=("$(run_wrk "http://127.0.0.1:$a/api/v1/auth/me" "$session")")
  proxied+=("$(run_wrk "http://127.0.0.1:$proxy/api/v1/auth/me" "$session")")
done

mkdir -p bench/results
{
  echo "bench/scale-out.sh: 3 API instances (Release, PostgreSQL + Redis shared) behind bench/proxy (YARP, round-robin), $(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "The machine is shared with other work (not a quiet machine)."
  cat "$work/revocation.txt"
  echo "shared limit of $limit per window, $((limit + 6)) anonymous requests through the proxy, the first leaving $remaining: $oks answered (401), $limited refused (429)  (expected $((remaining + 1)) and $((limit + 5 - remaining)))"
  echo "GET /api/v1/auth/me req/s, 3 instances through the proxy: $(median "${proxied[@]}"); one instance directly: $(median "${direct[@]}"); ratio $(ratio "$(median "${proxied[@]}")" "$(median "${direct[@]}")")"
  echo "runs: direct ${direct[*]}; proxied ${proxied[*]}"
} | tee "$result"
