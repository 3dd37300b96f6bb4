#!/usr/bin/env bash
# Adds a migration for both providers: eng/migrations.sh AddSomething
# (`eng/migrations.sh --reset` regenerates a single Initial migration; only before the first release.)
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
project=src/Convergio.Api
if [ "${1:-}" = "--reset" ]; then
  rm -rf "$project/Data/Migrations"
  name=Initial
else
  name=${1:?usage: eng/migrations.sh NAME | --reset}
fi
dotnet build "$project" -v q -nologo >/dev/null
dotnet ef migrations add "$name" --no-build --project "$project" --context SqliteConvergioDb -o Data/Migrations/Sqlite
dotnet ef migrations add "$name" --no-build --project "$project" --context PostgresConvergioDb -o Data/Migrations/Postgres
