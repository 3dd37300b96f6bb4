// Convergio on Azure Container Apps: the API app, the migration job, and what they run on.
// Every secret is a Key Vault reference resolved by a user-assigned identity; nothing secret is
// passed to, or stored by, this template. The walk-through is docs/deploy.md; deploy.sh runs it.
targetScope = 'resourceGroup'

@description('Azure region; the resource group\'s by default.')
param location string = resourceGroup().location

@description('Prefix of every resource name.')
@minLength(3)
@maxLength(20)
param name string = 'convergio'

@description('Existing Key Vault in this resource group (Azure RBAC authorization) that holds the secrets named in secretSettings.')
param keyVaultName string

@description('Existing Azure Container Registry in this resource group, where the images are pushed.')
param containerRegistryName string

@description('The API image (<registry>/convergio/api:<tag>). Empty on the first deployment: the app is created only once the first migration has run.')
param apiImage string = ''

@description('The CLI image (<registry>/convergio/cli:<tag>) the migration job runs.')
param cliImage string

@description('Host names the API answers to (AllowedHosts, ;-separated), e.g. the custom domain. The app\'s own Container Apps host name is added.')
param allowedHosts string

@description('Exact https origins allowed by CORS, comma-separated.')
param corsAllowedOrigins string

@description('Replicas kept running even without traffic (2 or more survive a replica restart).')
@minValue(1)
param minReplicas int = 2

@description('Most replicas the HTTP rule scales out to.')
@minValue(1)
param maxReplicas int = 10

@description('Concurrent requests per replica above which the HTTP rule adds one.')
@minValue(1)
param concurrentRequestsPerReplica int = 50

@description('Configuration keys (environment-variable form) read from Key Vault. The vault secret of each is the key with -- for __ and - for _ (Security__SigningKeys__0 is Security--SigningKeys--0), the naming the app itself uses with KeyVault__Uri. Add ring entries (Security__SigningKeys__1) here during a rotation.')
param secretSettings string[] = [
  'ConnectionStrings__Postgres'
  'ConnectionStrings__Redis'
  'Security__SigningKeys__0'
  'Encryption__Keys__0'
  'Stripe__WebhookSecrets__0'
  'Sentry__Dsn'
  'Observability__MetricsToken'
  'Email__Smtp__Password'
]

@description('Vault secret holding the PEM root certificate of the PostgreSQL provider, mounted as a file for "Root Certificate=" in the connection string.')
param postgresRootCertificateName string = 'postgres-root-ca'

@description('Non-secret settings (environment-variable form), e.g. Email__Smtp__Host, Email__From, WebAuthn__RpId.')
param settings object = {}

@description('Custom domain bound to the API (empty: none yet). Kept here so that a deployment does not unbind it.')
param customDomainName string = ''

@description('Resource id of the environment certificate (managed or uploaded) for customDomainName.')
param customDomainCertificateId string = ''

@description('Address space of the environment\'s virtual network.')
param virtualNetworkAddressPrefix string = '10.40.0.0/16'

@description('The environment\'s infrastructure subnet: the ingress proxies connect from it, so it is the one network trusted for X-Forwarded-For/-Proto.')
param infrastructureSubnetPrefix string = '10.40.0.0/23'

// Built-in role definitions.
var keyVaultSecretsUserRole = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b-17de-408a-b874-0445c86b69e6')
var acrPullRole = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '7f951dda-4ed3-4680-a7ca-43fe172d538d')

var apiName = '${name}-api'
var migrationJobName = '${name}-migrate'
var httpPort = 8080
var tlsRootsPath = '/run/convergio/tls'

// One container-app secret per key: a Key Vault reference (versionless: the newest version) read with the identity.
var vaultSecrets = [
  for key in secretSettings: {
    key: key
    name: toLower(replace(replace(key, '__', '-'), '_', '-'))
    vaultSecret: replace(replace(key, '__', '--'), '_', '-')
  }
]
var secrets = [
  ...map(vaultSecrets, s => {
    name: s.name
    keyVaultUrl: '${vault.properties.vaultUri}secrets/${s.vaultSecret}'
    identity: identity.id
  })
  {
    name: 'postgres-root-ca'
    keyVaultUrl: '${vault.properties.vaultUri}secrets/${postgresRootCertificateName}'
    identity: identity.id
  }
]
var secretEnvironment = map(vaultSecrets, s => { name: s.key, secretRef: s.name })
var tlsRootsVolume = {
  name: 'tls-roots'
  storageType: 'Secret'
  secrets: [{ secretRef: 'postgres-root-ca', path: 'postgres-root.crt' }]
}

// The caller's settings first, so that none of these can be overridden by them: Production always.
var sharedSettings = union(settings, {
  ASPNETCORE_ENVIRONMENT: 'Production'
})
var apiSettings = union(sharedSettings, {
  AllowedHosts: '${allowedHosts};${apiName}.${environment.properties.defaultDomain}'
  CORS_ALLOWED_ORIGINS: corsAllowedOrigins
  ForwardedHeaders__KnownNetworks__0: infrastructureSubnetPrefix
})
var registries = [
  {
    server: registry.properties.loginServer
    identity: identity.id
  }
]

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: containerRegistryName
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${name}-identity'
  location: location
}

// Read secrets, nothing else: no listing of keys or certificates, no writes.
resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, keyVaultSecretsUserRole)
  scope: vault
  properties: {
    roleDefinitionId: keyVaultSecretsUserRole
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource imagePull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, identity.id, acrPullRole)
  scope: registry
  properties: {
    roleDefinitionId: acrPullRole
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${name}-logs'
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource network 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: '${name}-network'
  location: location
  properties: {
    addressSpace: { addressPrefixes: [virtualNetworkAddressPrefix] }
    subnets: [
      {
        name: 'container-apps'
        properties: {
          addressPrefix: infrastructureSubnetPrefix
          delegations: [{ name: 'container-apps', properties: { serviceName: 'Microsoft.App/environments' } }]
        }
      }
    ]
  }
}

resource environment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: '${name}-environment'
  location: location
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
    vnetConfiguration: {
      infrastructureSubnetId: network.properties.subnets[0].id
      internal: false
    }
    workloadProfiles: [{ name: 'Consumption', workloadProfileType: 'Consumption' }]
  }
}

resource api 'Microsoft.App/containerApps@2024-03-01' = if (!empty(apiImage)) {
  name: apiName
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    environmentId: environment.id
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: httpPort
        transport: 'auto'
        // Plain HTTP is redirected to HTTPS at the edge; TLS ends there and X-Forwarded-Proto says so.
        allowInsecure: false
        customDomains: empty(customDomainName) ? [] : [
          {
            name: customDomainName
            certificateId: customDomainCertificateId
            bindingType: 'SniEnabled'
          }
        ]
      }
      secrets: secrets
      registries: registries
    }
    template: {
      containers: [
        {
          name: 'api'
          image: apiImage
          resources: { cpu: json('1.0'), memory: '2Gi' }
          env: [
            ...secretEnvironment
            ...map(items(apiSettings), s => { name: s.key, value: string(s.value) })
          ]
          volumeMounts: [{ volumeName: 'tls-roots', mountPath: tlsRootsPath }]
          // The health paths answer plain HTTP on the app port (the probes call the replica directly).
          probes: [
            {
              // Start-up is the production guard and the schema check (the job migrated before).
              type: 'Startup'
              httpGet: { path: '/health/live', port: httpPort }
              initialDelaySeconds: 2
              periodSeconds: 3
              failureThreshold: 10
            }
            {
              // Restart only a process that no longer answers: never on a database outage.
              type: 'Liveness'
              httpGet: { path: '/health/live', port: httpPort }
              periodSeconds: 10
              failureThreshold: 3
            }
            {
              // Out of rotation while the database is unreachable; Redis down keeps it in (Degraded).
              type: 'Readiness'
              httpGet: { path: '/health/ready', port: httpPort }
              periodSeconds: 5
              timeoutSeconds: 3
              failureThreshold: 3
            }
          ]
        }
      ]
      volumes: [tlsRootsVolume]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: [
          {
            name: 'http-concurrency'
            http: { metadata: { concurrentRequests: string(concurrentRequestsPerReplica) } }
          }
        ]
      }
    }
  }
  // Key Vault references and the image pull are resolved with the identity when the revision starts.
  dependsOn: [secretsUser, imagePull]
}

// `convergio migrate`, started by deploy.sh before a new API revision; the same configuration as the API,
// so any other command can run here too (`az containerapp job start --args ...`).
resource migrationJob 'Microsoft.App/jobs@2024-03-01' = {
  name: migrationJobName
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    environmentId: environment.id
    workloadProfileName: 'Consumption'
    configuration: {
      triggerType: 'Manual'
      manualTriggerConfig: { parallelism: 1, replicaCompletionCount: 1 }
      replicaTimeout: 1800
      // A failed migration is looked at, not retried over a half-understood state.
      replicaRetryLimit: 0
      secrets: secrets
      registries: registries
    }
    template: {
      containers: [
        {
          name: 'migrate'
          image: cliImage
          args: ['migrate']
          resources: { cpu: json('0.5'), memory: '1Gi' }
          env: [
            ...secretEnvironment
            ...map(items(sharedSettings), s => { name: s.key, value: string(s.value) })
          ]
          volumeMounts: [{ volumeName: 'tls-roots', mountPath: tlsRootsPath }]
        }
      ]
      volumes: [tlsRootsVolume]
    }
  }
  dependsOn: [secretsUser, imagePull]
}

@description('Where the API answers before a custom domain is bound (empty until the API is deployed).')
output apiUrl string = empty(apiImage) ? '' : 'https://${apiName}.${environment.properties.defaultDomain}'

@description('The migration job deploy.sh starts.')
output migrationJobName string = migrationJob.name

@description('Where the Root Certificate of ConnectionStrings__Postgres is mounted.')
output postgresRootCertificatePath string = '${tlsRootsPath}/postgres-root.crt'
