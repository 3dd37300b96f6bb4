#!/usr/bin/env bash
# Deploys Convergio to Azure Container Apps (docs/deploy.md):
#   1. builds and pushes the API and CLI images with the SDK (`dotnet publish -t:PublishContainer`);
#   2. deploys main.bicep with the new CLI image for the migration job, the API keeping the image it
#      runs (on the first deployment there is no API yet);
#   3. starts the migration job (`convergio migrate`) and waits for it; a failed migration stops here;
#   4. deploys again with the new API image: the new revision starts on a migrated schema.
#
# Usage: deploy/azure/deploy.sh <resource-group> <container-registry-name>
# Needs az (signed in, with the Bicep CLI) and the .NET SDK. Optional environment:
#   CONVERGIO_NAME (resource name prefix, default convergio), CONVERGIO_IMAGE_TAG (default: the commit),
#   CONVERGIO_MIGRATION_TIMEOUT (seconds, default 2000), CONVERGIO_POLL_SECONDS (default 10).
set -euo pipefail

resource_group=${1:?usage: deploy.sh <resource-group> <container-registry-name>}
registry=${2:?usage: deploy.sh <resource-group> <container-registry-name>}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
export CONVERGIO_NAME=${CONVERGIO_NAME:-convergio}
export CONVERGIO_REGISTRY=$registry
tag=${CONVERGIO_IMAGE_TAG:-$(git -C "$root" rev-parse --short=12 HEAD)}
api_app="$CONVERGIO_NAME-api"
job="$CONVERGIO_NAME-migrate"

log() { printf '[deploy] %s\n' "$*" >&2; }

deploy_infrastructure() {
  az deployment group create --resource-group "$resource_group" --name "$CONVERGIO_NAME-$tag" \
    --parameters "$here/main.bicepparam" --output none
}

# --- 1. Images -----------------------------------------------------------------
login_server=$(az acr show --name "$registry" --query loginServer --output tsv)
# A short-lived registry token for the SDK's push: no Docker daemon is involved.
export DOTNET_CONTAINER_PUSH_REGISTRY_UNAME=00000000-0000-0000-0000-000000000000
DOTNET_CONTAINER_PUSH_REGISTRY_PWORD=$(az acr login --name "$registry" --expose-token --query accessToken --output tsv)
export DOTNET_CONTAINER_PUSH_REGISTRY_PWORD
for project in Convergio.Api Convergio.Cli; do
  log "publishing $project to $login_server, tag $tag"
  dotnet publish "$root/src/$project" -c Release -t:PublishContainer \
    -p:ContainerRegistry="$login_server" -p:ContainerImageTags="$tag"
done
api_image="$login_server/convergio/api:$tag"
export CONVERGIO_CLI_IMAGE="$login_server/convergio/cli:$tag"

# --- 2. Infrastructure and the job, the API unchanged ----------------------------
current_api_image=$(az containerapp show --resource-group "$resource_group" --name "$api_app" \
  --query 'properties.template.containers[0].image' --output tsv 2>/dev/null || true)
log "deploying the infrastructure (API image kept: ${current_api_image:-none yet})"
CONVERGIO_API_IMAGE=$current_api_image deploy_infrastructure

# --- 3. Migrate ----------------------------------------------------------------
execution=$(az containerapp job start --resource-group "$resource_group" --name "$job" --query name --output tsv)
log "migration job execution $execution started"
deadline=$((SECONDS + ${CONVERGIO_MIGRATION_TIMEOUT:-2000}))
while :; do
  status=$(az containerapp job execution show --resource-group "$resource_group" --name "$job" \
    --job-execution-name "$execution" --query properties.status --output tsv)
  case $status in
    Succeeded) log "migration succeeded"; break ;;
    Failed|Stopped|Degraded)
      log "migration $execution ended $status; the API was not updated."
      log "logs: az containerapp job logs show --resource-group $resource_group --name $job --execution $execution --container migrate"
      exit 1 ;;
  esac
  if (( SECONDS >= deadline )); then
    log "migration $execution still $status after ${CONVERGIO_MIGRATION_TIMEOUT:-2000} s; the API was not updated."
    exit 1
  fi
  sleep "${CONVERGIO_POLL_SECONDS:-10}"
done

# --- 4. The new API revision -----------------------------------------------------
log "deploying the API image $api_image"
CONVERGIO_API_IMAGE=$api_image deploy_infrastructure
log "done; verify with: convergio baseline check https://<your API host> (docs/deploy.md)"
