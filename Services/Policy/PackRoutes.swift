import Foundation
import Hummingbird
import PalisadeAuth
import PalisadeEvents
import PalisadePolicy
import PalisadeService

/// `/v1/policy-packs` (capability `policy:admin`): versions in, signatures on, activation,
/// rollback, deactivation and history.
struct PackRoutes: Sendable {
    let lifecycle: PackLifecycle

    static let mediaTypes = ["application/json", "application/yaml", "application/x-yaml", "text/yaml"]

    func register(on router: Router<PalisadeRequestContext>, registry: RouteRegistry) {
        router.route(.post, "/v1/policy-packs", registry: registry) { request, context in
            let claims = try context.requireClaims(Capability.policyAdmin)
            _ = try MessageBody.requireMediaType(request, accepted: Self.mediaTypes)
            let body = try await MessageBody.collect(request, limit: PackReader.maximumSourceBytes)
            let signed = try Self.read(body)
            let outcome = try await lifecycle.create(signed, scope: claims.scope, requestID: context.requestID, logger: context.logger)
            switch outcome {
            case .created(let stored):
                context.logger.info("policy pack version created", metadata: ["pack_id": "\(stored.packID)", "version": "\(stored.version)"])
                return try MessageBody.json(VersionView(stored), status: .created)
            case .unchanged(let stored):
                return try MessageBody.json(VersionView(stored))
            }
        }
        router.route(.get, "/v1/policy-packs", registry: registry) { _, context in
            let claims = try context.requireClaims(Capability.policyAdmin)
            let packs = try await lifecycle.store.list(scope: claims.scope, logger: context.logger)
            return try MessageBody.json(PackList(packs: packs.map(PackList.Item.init)))
        }
        router.route(.get, "/v1/policy-packs/{pack}", registry: registry) { _, context in
            let claims = try context.requireClaims(Capability.policyAdmin)
            let packID = try Self.packID(context)
            let (versions, active) = try await lifecycle.store.pack(packID, scope: claims.scope, logger: context.logger)
            guard !versions.isEmpty else { throw Problem.notFound("no pack \(packID) in this tenant") }
            return try MessageBody.json(PackView(packID: packID, versions: versions.map(VersionView.init), active: active.map(ActivationView.init)))
        }
        router.route(.get, "/v1/policy-packs/{pack}/versions/{version}", registry: registry) { _, context in
            let claims = try context.requireClaims(Capability.policyAdmin)
            let packID = try Self.packID(context)
            let version = context.parameters.get("version") ?? ""
            guard let stored = try await lifecycle.store.version(packID, version, scope: claims.scope, logger: context.logger) else {
                throw Problem.notFound("no version \(version) of pack \(packID) in this tenant")
            }
            return try MessageBody.json(DocumentView(stored))
        }
        router.route(.post, "/v1/policy-packs/{pack}/versions/{version}/signatures", registry: registry) { request, context in
            let claims = try context.requireClaims(Capability.policyAdmin)
            let packID = try Self.packID(context)
            let version = context.parameters.get("version") ?? ""
            let body = try await MessageBody.decodeJSON(request, as: SignatureBody.self)
            let signature = try body.validated()
            guard let stored = try await lifecycle.sign(packID, version: version, signature: signature, scope: claims.scope,
                                                        requestID: context.requestID, logger: context.logger) else {
                throw Problem.notFound("no version \(version) of pack \(packID) in this tenant")
            }
            context.logger.info("policy pack signed", metadata: ["pack_id": "\(packID)", "version": "\(version)", "key_id": "\(signature.keyID)"])
            return try MessageBody.json(VersionView(stored), status: .created)
        }
        router.route(.post, "/v1/policy-packs/{pack}/activate", registry: registry) { request, context in
            let claims = try context.requireClaims(Capability.policyAdmin)
            let packID = try Self.packID(context)
            let body = try await MessageBody.decodeJSON(request, as: ActivateBody.self)
            let (version, mode) = try body.validated()
            return try await change(.activate(version: version, mode: mode), packID, claims, context)
        }
        router.route(.post, "/v1/policy-packs/{pack}/rollback", registry: registry) { request, context in
            let claims = try context.requireClaims(Capability.policyAdmin)
            let packID = try Self.packID(context)
            let body = try await MessageBody.decodeOptionalJSON(request, as: RollbackBody.self, absent: RollbackBody(version: nil))
            if let version = body.version, SemanticVersion(version) == nil {
                throw Problem.invalid("the rollback is not valid", errors: [ProblemField(index: nil, field: "version", reason: "must be a semantic version")])
            }
            return try await change(.rollback(version: body.version), packID, claims, context)
        }
        router.route(.post, "/v1/policy-packs/{pack}/deactivate", registry: registry) { _, context in
            let claims = try context.requireClaims(Capability.policyAdmin)
            return try await change(.deactivate, try Self.packID(context), claims, context)
        }
        router.route(.get, "/v1/policy-packs/{pack}/history", registry: registry) { _, context in
            let claims = try context.requireClaims(Capability.policyAdmin)
            let packID = try Self.packID(context)
            let changes = try await lifecycle.store.history(packID, scope: claims.scope, logger: context.logger)
            return try MessageBody.json(HistoryView(packID: packID, changes: changes.map(HistoryView.Change.init)))
        }
    }

    private func change(_ change: PackStore.SetChange, _ packID: String, _ claims: PlatformClaims,
                        _ context: PalisadeRequestContext) async throws -> Response {
        let outcome = try await lifecycle.change(change, pack: packID, scope: claims.scope, requestID: context.requestID, logger: context.logger)
        context.logger.info("policy pack set changed", metadata: [
            "pack_id": "\(packID)", "revision": "\(outcome.revision)", "version": "\(outcome.activation?.version ?? "none")",
        ])
        return try MessageBody.json(SetChangeView(packID: packID, revision: outcome.revision, active: outcome.activation.map(ActivationView.init),
                                                  previous: outcome.previous.map(ActivationView.init)))
    }

    static func packID(_ context: PalisadeRequestContext) throws -> String {
        guard let packID = context.parameters.get("pack"), PolicyPack.isName(packID) else { throw Problem.notFound("no such pack") }
        return packID
    }

    /// A pack (YAML or JSON), bare or in its signed envelope; 422 with every problem's line and column.
    static func read(_ body: Data) throws -> SignedPack {
        guard let source = String(data: body, encoding: .utf8) else { throw Problem.malformed("the pack is not UTF-8 text") }
        do {
            let signed = try PackReader.readSigned(source)
            _ = try CompiledPack(signed.pack)
            return signed
        } catch {
            throw problem(error)
        }
    }

    static func problem(_ error: PackProblems) -> Problem {
        Problem.invalid("the pack is not valid", errors: error.problems.map {
            ProblemField(index: nil, field: $0.path, reason: "line \($0.line), column \($0.column): \($0.message)")
        })
    }

    // MARK: Bodies

    struct SignatureBody: Decodable {
        var keyID: String?
        var algorithm: String?
        var value: String?

        enum CodingKeys: String, CodingKey {
            case keyID = "key_id"
            case algorithm, value
        }

        func validated() throws -> PackSignature {
            var problems: [ProblemField] = []
            if !(keyID.map(PolicyPack.isName) ?? false) { problems.append(ProblemField(index: nil, field: "key_id", reason: "is required: the signing key's id")) }
            if let algorithm, algorithm != PackSignature.algorithm {
                problems.append(ProblemField(index: nil, field: "algorithm", reason: "must be \(PackSignature.algorithm)"))
            }
            let raw = value.flatMap { Data(base64Encoded: $0) }
            if raw?.count != 64 { problems.append(ProblemField(index: nil, field: "value", reason: "must be a base64 Ed25519 signature (64 bytes)")) }
            guard problems.isEmpty, let keyID, let raw else { throw Problem.invalid("the signature is not valid", errors: problems) }
            return PackSignature(keyID: keyID, value: raw)
        }
    }

    struct ActivateBody: Decodable {
        var version: String?
        var mode: String?

        func validated() throws -> (String, PackMode) {
            var problems: [ProblemField] = []
            if version.flatMap(SemanticVersion.init) == nil { problems.append(ProblemField(index: nil, field: "version", reason: "is required: a semantic version of the pack")) }
            let mode = PackMode(rawValue: mode ?? PackMode.enforce.rawValue)
            if mode == nil { problems.append(ProblemField(index: nil, field: "mode", reason: "must be enforce or shadow")) }
            guard problems.isEmpty, let version, let mode else { throw Problem.invalid("the activation is not valid", errors: problems) }
            return (version, mode)
        }
    }

    struct RollbackBody: Decodable {
        var version: String?
    }

    // MARK: Views

    struct VersionView: Encodable {
        var packID: String
        var version: String
        var description: String
        var digest: String
        var createdAt: String
        var createdBy: String
        var signedBy: [String]

        init(_ stored: StoredVersion) {
            packID = stored.packID
            version = stored.version
            description = stored.description
            digest = Hex.encode(stored.digest)
            createdAt = RFC3339.format(stored.createdAt)
            createdBy = stored.createdBy
            signedBy = stored.signatures.map(\.keyID)
        }

        enum CodingKeys: String, CodingKey {
            case packID = "pack_id"
            case createdAt = "created_at"
            case createdBy = "created_by"
            case signedBy = "signed_by"
            case version, description, digest
        }
    }

    /// A version with its document and signatures: enough to verify it offline.
    struct DocumentView: Encodable {
        struct Signature: Encodable {
            var keyID: String
            var algorithm = PackSignature.algorithm
            var value: String

            enum CodingKeys: String, CodingKey {
                case keyID = "key_id"
                case algorithm, value
            }
        }

        var version: VersionView
        var pack: JSONValue
        var signatures: [Signature]

        init(_ stored: StoredVersion) {
            version = VersionView(stored)
            pack = (try? JSONReader.parse(stored.document.utf8)) ?? .object([:])
            signatures = stored.signatures.map { Signature(keyID: $0.keyID, value: $0.value.base64EncodedString()) }
        }

        func encode(to encoder: any Encoder) throws {
            try version.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(pack, forKey: .pack)
            try container.encode(signatures, forKey: .signatures)
        }

        enum CodingKeys: String, CodingKey { case pack, signatures }
    }

    struct ActivationView: Encodable {
        var version: String
        var mode: String
        var activatedAt: String
        var activatedBy: String

        init(_ activation: Activation) {
            version = activation.version
            mode = activation.mode.rawValue
            activatedAt = RFC3339.format(activation.activatedAt)
            activatedBy = activation.activatedBy
        }

        enum CodingKeys: String, CodingKey {
            case activatedAt = "activated_at"
            case activatedBy = "activated_by"
            case version, mode
        }
    }

    struct PackView: Encodable {
        var packID: String
        var versions: [VersionView]
        var active: ActivationView?

        enum CodingKeys: String, CodingKey {
            case packID = "pack_id"
            case versions, active
        }
    }

    struct PackList: Encodable {
        struct Item: Encodable {
            var packID: String
            var latestVersion: String
            var versions: [String]
            var active: ActivationView?

            init(_ summary: PackStore.PackSummary) {
                packID = summary.packID
                latestVersion = summary.versions.last ?? ""
                versions = summary.versions
                active = summary.active.map(ActivationView.init)
            }

            enum CodingKeys: String, CodingKey {
                case packID = "pack_id"
                case latestVersion = "latest_version"
                case versions, active
            }
        }

        var packs: [Item]
    }

    struct SetChangeView: Encodable {
        var packID: String
        var revision: Int64
        var active: ActivationView?
        var previous: ActivationView?

        enum CodingKeys: String, CodingKey {
            case packID = "pack_id"
            case revision, active, previous
        }
    }

    struct HistoryView: Encodable {
        struct Change: Encodable {
            var changeID: Int64
            var change: String
            var version: String?
            var mode: String?
            var changedAt: String
            var changedBy: String
            var requestID: String

            init(_ change: ActivationChange) {
                changeID = change.changeID
                self.change = change.change
                version = change.version
                mode = change.mode?.rawValue
                changedAt = RFC3339.format(change.changedAt)
                changedBy = change.changedBy
                requestID = change.requestID
            }

            enum CodingKeys: String, CodingKey {
                case changeID = "change_id"
                case changedAt = "changed_at"
                case changedBy = "changed_by"
                case requestID = "request_id"
                case change, version, mode
            }
        }

        var packID: String
        var changes: [Change]

        enum CodingKeys: String, CodingKey {
            case packID = "pack_id"
            case changes
        }
    }
}
