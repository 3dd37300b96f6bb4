#!/usr/bin/env bash
# Generates what deploy/compose.yaml needs to run PostgreSQL and Redis with TLS on, as in production:
# a local CA, a server certificate for localhost / 127.0.0.1 signed by it, and random passwords,
# into deploy/.tls (git-ignored; or the folder given as the first argument). It also writes env.sh,
# the connection strings the API and `convergio` need (`. deploy/.tls/env.sh`). docs/deploy.md.
set -euo pipefail

out=${1:-"$(cd "$(dirname "$0")" && pwd)/.tls"}
if [ -e "$out/ca.crt" ]; then
  echo "$out already holds certificates; delete the folder (and the compose volumes) to make new ones." >&2
  exit 1
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)
umask 077

# ECDSA P-256 keys; the CA lives as long as a local setup, the server certificate less.
openssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -days 825 \
  -subj "/CN=Convergio local CA" -keyout "$out/ca.key" -out "$out/ca.crt" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
  -subj "/CN=localhost" -keyout "$out/server.key" -out "$out/server.csr" 2>/dev/null
cat > "$out/server.ext" <<'EXT'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1
EXT
openssl x509 -req -in "$out/server.csr" -CA "$out/ca.crt" -CAkey "$out/ca.key" -CAcreateserial \
  -days 397 -extfile "$out/server.ext" -out "$out/server.crt" 2>/dev/null
rm -f "$out/server.csr" "$out/server.ext" "$out/ca.srl"

password() { openssl rand -base64 33 | tr -d '/+=\n'; }
postgres_password=$(password)
redis_password=$(password)
printf '%s' "$postgres_password" > "$out/postgres-password"
printf '%s' "$redis_password" > "$out/redis-password"

# The containers' users read these through read-only file mounts (PostgreSQL and Redis copy the key
# with their own ownership); the CA key and env.sh stay readable by this user only, and unmounted.
chmod 644 "$out/ca.crt" "$out/server.crt" "$out/server.key" "$out/postgres-password" "$out/redis-password"

cat > "$out/env.sh" <<ENV
# Source me: . deploy/.tls/env.sh  (PostgreSQL and Redis of deploy/compose.yaml, TLS verified)
export ConnectionStrings__Postgres='Host=127.0.0.1;Port=5432;Username=convergio;Password=$postgres_password;Database=convergio;SSL Mode=VerifyFull;Root Certificate=$out/ca.crt'
export ConnectionStrings__Redis='127.0.0.1:6379,ssl=true,password=$redis_password'
# StackExchange.Redis checks the certificate against the system store: this file replaces it for the process.
export SSL_CERT_FILE='$out/ca.crt'
ENV
echo "wrote $out (ca.crt, server.crt, server.key, passwords, env.sh)"
