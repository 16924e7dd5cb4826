import AsyncHTTPClient
import HTTPTypes
import Hummingbird
import PalisadeService

/// Which public routes the gateway relays to which service. A route missing here answers 404
/// at the edge, so every service route is listed explicitly.
enum UpstreamRoutes {
    static let table: [(service: ServiceDescriptor, routes: [(HTTPRequest.Method, String)])] = [
        (ServiceCatalog.ingest, [(.post, "/v1/events"), (.get, "/v1/events")]),
        (ServiceCatalog.policy, [
            (.post, "/v1/policy-rules"), (.get, "/v1/policy-rules"), (.delete, "/v1/policy-rules/{id}"),
            (.post, "/v1/policy-packs"), (.get, "/v1/policy-packs"), (.get, "/v1/policy-packs/{pack}"),
            (.get, "/v1/policy-packs/{pack}/versions/{version}"), (.post, "/v1/policy-packs/{pack}/versions/{version}/signatures"),
            (.post, "/v1/policy-packs/{pack}/activate"), (.post, "/v1/policy-packs/{pack}/rollback"),
            (.post, "/v1/policy-packs/{pack}/deactivate"), (.get, "/v1/policy-packs/{pack}/history"),
            (.post, "/v1/decisions"), (.post, "/v1/decisions/batch"),
            (.get, "/v1/approvals"), (.get, "/v1/approvals/{id}"),
            (.post, "/v1/approvals/{id}/approve"), (.post, "/v1/approvals/{id}/deny"),
        ]),
        (ServiceCatalog.incidents, [
            (.get, "/v1/incidents"), (.get, "/v1/incidents/{id}"),
            (.post, "/v1/incidents/{id}/acknowledge"), (.post, "/v1/incidents/{id}/resolve"),
            (.get, "/v1/audit"), (.get, "/v1/audit/verify"),
        ]),
        (ServiceCatalog.alerts, [
            (.post, "/v1/alert-channels"), (.get, "/v1/alert-channels"), (.delete, "/v1/alert-channels/{id}"),
            (.get, "/v1/deliveries"),
        ]),
        (ServiceCatalog.watcher, [
            (.post, "/v1/watchers"), (.get, "/v1/watchers"), (.get, "/v1/watchers/affected-routes"),
            (.delete, "/v1/watchers/{id}"),
        ]),
        (ServiceCatalog.siem, [
            (.post, "/v1/siem/destinations"), (.get, "/v1/siem/destinations"), (.delete, "/v1/siem/destinations/{id}"),
        ]),
    ]

    /// Registers every relayed route; `PALISADE_<SERVICE>_URL` says where the service listens.
    static func register(on router: Router<PalisadeRequestContext>, host: ServiceHost, client: HTTPClient) {
        for (service, routes) in table {
            let upstream = host.settings.environment[service.urlVariable] ?? "http://127.0.0.1:\(service.defaultPort)"
            Forwarding(upstream: upstream, name: service.name, client: client).register(routes, on: router, registry: host.routes)
        }
    }
}
