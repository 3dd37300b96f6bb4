// The production deployment's parameters (docs/deploy.md). No secret here: secrets stay in Key Vault.
using 'main.bicep'

// deploy.sh sets the registry from its argument, and the name prefix from CONVERGIO_NAME.
param name = readEnvironmentVariable('CONVERGIO_NAME', 'convergio')
param keyVaultName = 'kv-convergio-prod'
param containerRegistryName = readEnvironmentVariable('CONVERGIO_REGISTRY')

// The images deploy.sh has just pushed; the API's stays empty until the first migration has run.
param apiImage = readEnvironmentVariable('CONVERGIO_API_IMAGE', '')
param cliImage = readEnvironmentVariable('CONVERGIO_CLI_IMAGE')

param allowedHosts = 'api.convergio.io'
param corsAllowedOrigins = 'https://convergio.io,https://www.convergio.io,https://app.convergio.io'
param minReplicas = 2
param maxReplicas = 10

param settings = {
  Email__From: 'Convergio <no-reply@convergio.io>'
  Email__Smtp__Host: 'smtp.convergio.io'
  Email__Smtp__Port: '587'
  Email__Smtp__Username: 'convergio'
  WebAuthn__RpId: 'convergio.io'
  Sentry__Environment: 'production'
}

// Set once the domain is bound (docs/deploy.md, "Custom domain"), so later deployments keep it.
param customDomainName = readEnvironmentVariable('CONVERGIO_CUSTOM_DOMAIN', '')
param customDomainCertificateId = readEnvironmentVariable('CONVERGIO_CUSTOM_DOMAIN_CERTIFICATE_ID', '')
