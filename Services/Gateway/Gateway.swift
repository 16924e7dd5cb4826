import Foundation
import AsyncHTTPClient
import PalisadeAuth
import PalisadeCrypto
import PalisadeEdge
import PalisadePolicy
import PalisadeService
import ServiceLifecycle

/// palisade-gateway: the authenticated edge. Verifies API keys and tokens, exchanges them for
/// platform tokens signed with rotating keys, relays `/v1/*` to the services, and keeps
/// tenants, users, roles and keys.
@main
enum Gateway: ServiceDefinition {
    static let descriptor = ServiceCatalog.gateway

    static func serve(on host: ServiceHost) async throws {
        let settings = host.settings
        let signing = try signingPolicy(settings)
        let masterKey = try MasterKey(encoded: try settings.value("PALISADE_MASTER_KEY"))
        let keyring = SigningKeyring(
            store: SigningKeyStore(database: host.database, wrapping: masterKey),
            policy: signing, logger: host.logger
        )
        let operatorKeys = try settings.verifyingKeys()
        let platformTokens = await PlatformTokenVerifier(verifyingKeys: operatorKeys, source: keyring)
        let keyStore = APIKeyStore(database: host.database)
        let audit = IdentityAudit(database: host.database, producer: host.producer)
        let usage = APIKeyUsage()
        let apiKeys = APIKeyAuthenticator(
            store: keyStore, usage: usage,
            cache: ExpiringCache(lifetime: .seconds(try settings.integer("PALISADE_CREDENTIAL_CACHE_SECONDS", default: 5, range: 0...300))),
            logger: host.logger
        )
        let userStore = UserStore(database: host.database)
        let roleStore = RoleStore(database: host.database)
        let issuerStore = IssuerStore(database: host.database)
        let cacheLifetime = Duration.seconds(try settings.integer("PALISADE_CREDENTIAL_CACHE_SECONDS", default: 5, range: 0...300))
        let oidc = OIDCAuthenticator(
            verifier: OIDCTokenVerifier(
                fetch: JWKSDocument.fetch,
                maximumAge: .seconds(try settings.integer("PALISADE_OIDC_JWKS_MAX_AGE_SECONDS", default: 600, range: 1...86_400)),
                minimumRefreshInterval: .seconds(try settings.integer("PALISADE_OIDC_JWKS_MIN_REFRESH_SECONDS", default: 10, range: 0...3600))
            ),
            issuers: issuerStore, users: userStore, roles: roleStore,
            registrations: ExpiringCache(lifetime: cacheLifetime), verified: ExpiringCache(lifetime: cacheLifetime),
            principals: ExpiringCache(lifetime: cacheLifetime),
            logger: host.logger
        )
        let authenticator = EdgeAuthenticator(apiKeys: apiKeys, oidc: oidc, platformTokens: platformTokens,
                                              minter: PlatformTokenMinter(keyring: keyring))
        let router = host.makeRouter(authenticator: authenticator)

        let perMinute = try settings.integer("PALISADE_RATE_LIMIT_PER_MINUTE", default: 2000, range: 1...10_000_000)
        let perRoute = try settings.integer("PALISADE_ROUTE_RATE_LIMIT_PER_MINUTE", default: perMinute, range: 1...10_000_000)
        let tenantStore = TenantStore(database: host.database)
        let tenantLimits = ExpiringCache<String, RateLimits>(lifetime: .seconds(30))
        // Added before the routes it guards (Hummingbird applies middleware to later routes).
        router.add(middleware: RateLimitMiddleware(
            tenants: TokenBucketLimiter(capacity: perMinute), routes: TokenBucketLimiter(capacity: perRoute)
        ) { tenant in
            if let known = tenantLimits.value(for: tenant) { return known }
            guard let tenantID = UUID(uuidString: tenant) else { return .defaults }
            let limits = try await tenantStore.limits(tenantID, logger: host.logger)
            tenantLimits.store(limits, for: tenant)
            return limits
        })
        // HTTPClient.shared allows 8 connections a host: at a few ms an upstream request, that
        // caps a service near 1,000 requests/s and queues the rest inside the gateway.
        var upstreamConfiguration = HTTPClient.Configuration()
        upstreamConfiguration.tracing.tracer = nil
        upstreamConfiguration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit =
            try settings.integer("PALISADE_UPSTREAM_CONNECTIONS", default: 128, range: 1...4096)
        let upstream = HTTPClient(eventLoopGroupProvider: .singleton, configuration: upstreamConfiguration)
        UpstreamRoutes.register(on: router, host: host, client: upstream)
        WellKnownRoutes(keyring: keyring, operatorKeys: operatorKeys).register(on: router, registry: host.routes)
        TokenExchangeRoutes().register(on: router, registry: host.routes)
        TenantRoutes(store: tenantStore, routes: host.routes, limits: tenantLimits).register(on: router, registry: host.routes)
        APIKeyRoutes(store: keyStore, audit: audit, credentials: apiKeys).register(on: router, registry: host.routes)
        UserRoutes(users: userStore, roles: roleStore, audit: audit, userChanged: oidc.forgetGrants).register(on: router, registry: host.routes)
        RoleRoutes(roles: roleStore, audit: audit).register(on: router, registry: host.routes)
        IssuerRoutes(issuers: issuerStore, roles: roleStore, audit: audit).register(on: router, registry: host.routes)

        // The inline LLM gateway: routes, the tenants' own provider keys, the vault of
        // reversibly redacted values, and decisions published off the request path.
        let dataKeys = TenantDataKeys(wrapping: masterKey)
        let providerKeys = ProviderKeyStore(database: host.database, dataKeys: dataKeys)
        let vault = RedactionVaultStore(database: host.database, dataKeys: dataKeys)
        let proxyRoutes = ProxyRouteStore(database: host.database)
        let decisions = DecisionPublisher(producer: host.producer, logger: host.logger)
        // Policy packs from the compacted packs topic, loaded only when a trusted key signed them.
        let trust = try PackTrust.load(environment: settings.environment)
        if trust.allowUnsigned { host.logger.warning("PALISADE_POLICY_ALLOW_UNSIGNED=true: unsigned policy packs are loaded") }
        let setTrust = try PackSetTrust.load(environment: settings.environment)
        if setTrust.keys.isEmpty {
            host.logger.warning(setTrust.allowUnsealed
                ? "no PALISADE_POLICY_SET_KEYS_FILE and PALISADE_POLICY_ALLOW_UNSIGNED=true: unsealed pack sets are loaded"
                : "no PALISADE_POLICY_SET_KEYS_FILE: every pack set is refused until the policy service's seal key is trusted")
        }
        let packs = GatewayPacks(trust: trust, setTrust: setTrust, logger: host.logger)
        host.readiness.add("policy_packs", packs.isCaughtUp)
        var providerConfiguration = HTTPClient.Configuration()
        providerConfiguration.tracing.tracer = nil
        providerConfiguration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit =
            try settings.integer("PALISADE_PROXY_CONNECTIONS", default: 256, range: 1...4096)
        let providers = HTTPClient(eventLoopGroupProvider: .singleton, configuration: providerConfiguration)
        let inline = InlineGateway(
            routes: proxyRoutes, keys: providerKeys, vault: vault, client: providers, publisher: decisions, packs: packs,
            upstreamTimeout: .seconds(Int64(try settings.integer("PALISADE_PROXY_TIMEOUT_SECONDS", default: 300, range: 1...3600))),
            routeCache: ExpiringCache(lifetime: cacheLifetime), keyCache: ExpiringCache(lifetime: cacheLifetime)
        )
        let upstreamHosts = Set((settings.environment["PALISADE_PROXY_UPSTREAM_HOSTS"] ?? "api.openai.com,api.anthropic.com")
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty })
        inline.register(on: router, registry: host.routes)
        ProxyRouteRoutes(store: proxyRoutes, audit: audit, upstreamHosts: upstreamHosts, routesChanged: inline.forget)
            .register(on: router, registry: host.routes)
        ProviderKeyRoutes(store: providerKeys, audit: audit, keysChanged: inline.forget).register(on: router, registry: host.routes)
        RedactionRoutes(vault: vault, audit: audit).register(on: router, registry: host.routes)
        let document = APIDocumentRoutes(
            document: try OpenAPIDocument(contentsOf: settings.environment["PALISADE_OPENAPI_FILE"] ?? "proto/openapi.yaml")
        )
        document.register(on: router, registry: host.routes)
        try document.requireMatch(host.routes)

        let packReader = PackSetReader(consumer: try host.reader(of: [.policyPacks], name: "policy-packs"), packs: packs,
                                       refusals: decisions.recordRefusals, logger: host.logger)
        let relay = AuditOutboxRelay(audit: audit, logger: host.logger)
        let flushSeconds = try settings.integer("PALISADE_KEY_USAGE_FLUSH_SECONDS", default: 15, range: 1...3600)
        let services: [any Service] = [
            decisions.buffer,
            packReader,
            PeriodicService(name: "signing key rotation", interval: signing.checkInterval, logger: host.logger) {
                try await keyring.rotate()
                try await platformTokens.refresh()
            },
            PeriodicService(name: "identity audit relay", interval: .seconds(5), logger: host.logger, tick: relay.relayOnce),
            PeriodicService(name: "api key usage flush", interval: .seconds(flushSeconds), logger: host.logger) {
                try await usage.flush(store: keyStore, audit: audit, logger: host.logger)
            },
        ]
        do {
            try await host.run(router: router, services: services)
        } catch {
            try? await upstream.shutdown()
            try? await providers.shutdown()
            throw error
        }
        try await upstream.shutdown()
        try await providers.shutdown()
    }

    /// A key signs for `PALISADE_SIGNING_KEY_ROTATION_SECONDS` (a day) and is published
    /// `PALISADE_SIGNING_KEY_PUBLISH_AHEAD_SECONDS` (five minutes) before it signs, so services
    /// refreshing their JWKS on schedule know it before the first token it signs arrives.
    static func signingPolicy(_ settings: ServiceSettings) throws -> SigningKeyring.Policy {
        let rotation = try settings.integer("PALISADE_SIGNING_KEY_ROTATION_SECONDS", default: 86_400, range: 2...31_536_000)
        let ahead = try settings.integer("PALISADE_SIGNING_KEY_PUBLISH_AHEAD_SECONDS", default: 300, range: 0...86_400)
        guard ahead < rotation else {
            throw SettingsError.invalid("PALISADE_SIGNING_KEY_PUBLISH_AHEAD_SECONDS", "must be shorter than the rotation period")
        }
        return SigningKeyring.Policy(rotation: TimeInterval(rotation), publishAhead: TimeInterval(ahead))
    }
}
