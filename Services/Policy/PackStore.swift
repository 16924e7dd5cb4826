import Crypto
import Foundation
import Logging
import PalisadePolicy
import PalisadeService
import PalisadeStore
import PostgresNIO

/// One immutable version of a pack as stored: its canonical JSON and the signatures on it.
struct StoredVersion: Sendable {
    var packID: String
    var version: String
    var description: String
    var document: String
    var digest: Data
    var createdAt: Date
    var createdBy: String
    var signatures: [PackSignature]
}

struct Activation: Sendable {
    var packID: String
    var version: String
    var mode: PackMode
    var activatedAt: Date
    var activatedBy: String
}

struct ActivationChange: Sendable {
    var changeID: Int64
    var packID: String
    var version: String?
    var mode: PackMode?
    var change: String
    var changedAt: Date
    var changedBy: String
    var requestID: String
}

/// An active pack with what the packs topic and the deciders need.
struct ActiveEntry: Sendable {
    var activation: Activation
    var document: String
    var signatures: [PackSignature]
}

/// The policy schema's packs: versions, signatures, activations and their history, and each
/// tenant's set revision. Every change stages its audit entry (and, when the active set
/// changed, the new set) through `stage` inside its own transaction.
struct PackStore: Sendable {
    let database: Database

    typealias Stage = @Sendable (PostgresConnection) async throws -> Void

    enum CreateOutcome: Sendable {
        case created(StoredVersion)
        /// The same version with the same content exists: creating it again changes nothing.
        case unchanged(StoredVersion)
    }

    /// Adds `pack` as a new version. A version is never overwritten, and a new one must be
    /// greater than every version the pack has (semver precedence).
    func create(_ pack: PolicyPack, signatures: [PackSignature], scope: TenantScope, logger: Logger,
                stage: @Sendable (StoredVersion, PostgresConnection) async throws -> Void) async throws -> CreateOutcome {
        let document = pack.canonicalJSON.text
        let digest = Data(SHA256.hash(data: Data(document.utf8)))
        let version = pack.version.description
        return try await database.withTenant(scope, logger: logger) { connection in
            // One writer per pack at a time: the check below and the insert agree.
            try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended(\(scope.tenantID.uuidString + "/" + pack.id), 0))",
                                       logger: logger)
            let rows = try await connection.query(
                "SELECT version, digest FROM policy.pack_versions WHERE pack_id = \(pack.id)", logger: logger
            )
            for try await (existing, existingDigest) in rows.decode((String, Data).self) {
                guard let existingVersion = SemanticVersion(existing) else { continue }
                if existingVersion == pack.version {
                    guard existingDigest == digest else {
                        throw Problem(.conflict, slug: "pack-version-exists", title: "Version exists",
                                      detail: "\(pack.id) \(existing) exists with other content; versions are immutable, so give this one a new version")
                    }
                    guard let stored = try await Self.version(pack.id, existing, on: connection, logger: logger) else { continue }
                    return .unchanged(stored)
                }
                if existingVersion > pack.version {
                    throw Problem(.conflict, slug: "pack-version-order", title: "Version too low",
                                  detail: "\(pack.id) has version \(existing); a new version must be greater")
                }
            }
            try await connection.query("""
                INSERT INTO policy.pack_versions (tenant_id, pack_id, version, description, document, digest, created_by)
                VALUES (\(scope.tenantID), \(pack.id), \(version), \(pack.description), \(document), \(digest), \(scope.subject))
                """, logger: logger)
            for signature in signatures {
                try await Self.insert(signature, pack: pack.id, version: version, scope: scope, on: connection, logger: logger)
            }
            guard let stored = try await Self.version(pack.id, version, on: connection, logger: logger) else {
                throw Problem.internal()
            }
            try await stage(stored, connection)
            return .created(stored)
        }
    }

    /// Adds a signature to a stored version; false when the version does not exist.
    func addSignature(_ signature: PackSignature, pack packID: String, version: String, scope: TenantScope, logger: Logger,
                      stage: Stage) async throws -> Bool {
        try await database.withTenant(scope, logger: logger) { connection in
            guard try await Self.version(packID, version, on: connection, logger: logger) != nil else { return false }
            try await Self.insert(signature, pack: packID, version: version, scope: scope, on: connection, logger: logger)
            try await stage(connection)
            return true
        }
    }

    func version(_ packID: String, _ version: String, scope: TenantScope, logger: Logger) async throws -> StoredVersion? {
        try await database.withTenant(scope, logger: logger) { connection in
            try await Self.version(packID, version, on: connection, logger: logger)
        }
    }

    /// Every version of a pack, oldest first by semver, and its activation.
    func pack(_ packID: String, scope: TenantScope, logger: Logger) async throws -> (versions: [StoredVersion], active: Activation?) {
        try await database.withTenant(scope, logger: logger) { connection in
            var versions = try await Self.storedVersions(
                """
                SELECT pack_id, version, description, document, digest, created_at, created_by FROM policy.pack_versions
                WHERE pack_id = \(packID)
                """,
                signatures: "SELECT pack_id, version, key_id, signature FROM policy.pack_signatures WHERE pack_id = \(packID) ORDER BY key_id",
                on: connection, logger: logger)
            versions.sort { SemanticVersion.ascending($0.version, $1.version) }
            return (versions, try await Self.activation(packID, on: connection, logger: logger))
        }
    }

    struct PackSummary: Sendable {
        var packID: String
        var versions: [String]
        var active: Activation?
    }

    /// The tenant's packs, by id.
    func list(scope: TenantScope, logger: Logger) async throws -> [PackSummary] {
        try await database.withTenant(scope, logger: logger) { connection in
            var summaries: [String: PackSummary] = [:]
            let rows = try await connection.query("SELECT pack_id, version FROM policy.pack_versions", logger: logger)
            for try await (packID, version) in rows.decode((String, String).self) {
                summaries[packID, default: PackSummary(packID: packID, versions: [])].versions.append(version)
            }
            for activation in try await Self.activations(on: connection, logger: logger) {
                summaries[activation.packID]?.active = activation
            }
            return summaries.values.sorted { $0.packID < $1.packID }.map { summary in
                var summary = summary
                summary.versions.sort(by: SemanticVersion.ascending)
                return summary
            }
        }
    }

    func history(_ packID: String, scope: TenantScope, logger: Logger) async throws -> [ActivationChange] {
        try await database.withTenant(scope, logger: logger) { connection in
            try await Self.history(packID, on: connection, logger: logger)
        }
    }

    // MARK: Activation

    enum SetChange: Sendable {
        case activate(version: String, mode: PackMode)
        /// To `version`, or (nil) to the version active before the current one.
        case rollback(version: String?)
        case deactivate
    }

    struct SetOutcome: Sendable {
        var revision: Int64
        var active: [ActiveEntry]
        /// The pack's activation after the change (nil once deactivated).
        var activation: Activation?
        /// The activation it replaced.
        var previous: Activation?
    }

    /// Changes which version of `packID` is active, in one transaction with its history entry,
    /// the tenant's new set revision and whatever `stage` writes. `admit` vets the version to
    /// activate (its signatures) and throws to refuse it.
    func change(_ change: SetChange, pack packID: String, scope: TenantScope, requestID: String, logger: Logger,
                admit: @Sendable (StoredVersion) throws -> Void,
                stage: @Sendable (SetOutcome, PostgresConnection) async throws -> Void) async throws -> SetOutcome {
        try await database.withTenant(scope, logger: logger) { connection in
            // The set's row lock orders every change of the tenant's set.
            let revisionRows = try await connection.query("""
                INSERT INTO policy.pack_sets (tenant_id, revision) VALUES (\(scope.tenantID), 1)
                ON CONFLICT (tenant_id) DO UPDATE SET revision = policy.pack_sets.revision + 1
                RETURNING revision
                """, logger: logger)
            var revision: Int64 = 0
            for try await value in revisionRows.decode(Int64.self) { revision = value }
            let previous = try await Self.activation(packID, on: connection, logger: logger)

            var target: (version: String, mode: PackMode)?
            var changeName = "activate"
            switch change {
            case .activate(let version, let mode):
                target = (version, mode)
            case .rollback(let version):
                changeName = "rollback"
                guard let previous else {
                    throw Problem(.conflict, slug: "pack-not-active", title: "Pack not active", detail: "\(packID) is not active; there is nothing to roll back")
                }
                if let version {
                    target = (version, previous.mode)
                } else {
                    let earlier = try await Self.history(packID, on: connection, logger: logger)
                        .last { $0.change != "deactivate" && $0.version != nil && $0.version != previous.version }
                    guard let earlier, let version = earlier.version else {
                        throw Problem(.conflict, slug: "no-earlier-version", title: "No earlier version",
                                      detail: "\(packID) has not had another version active; name the version to roll back to")
                    }
                    target = (version, previous.mode)
                }
            case .deactivate:
                changeName = "deactivate"
                guard previous != nil else {
                    throw Problem(.conflict, slug: "pack-not-active", title: "Pack not active", detail: "\(packID) is not active")
                }
            }

            var activation: Activation?
            if let target {
                guard let stored = try await Self.version(packID, target.version, on: connection, logger: logger) else {
                    throw Problem.notFound("no version \(target.version) of pack \(packID) in this tenant")
                }
                try admit(stored)
                try await connection.query("""
                    INSERT INTO policy.pack_activations (tenant_id, pack_id, version, mode, activated_by)
                    VALUES (\(scope.tenantID), \(packID), \(target.version), \(target.mode.rawValue), \(scope.subject))
                    ON CONFLICT (tenant_id, pack_id) DO UPDATE
                    SET version = EXCLUDED.version, mode = EXCLUDED.mode, activated_at = now(), activated_by = EXCLUDED.activated_by
                    """, logger: logger)
                activation = try await Self.activation(packID, on: connection, logger: logger)
            } else {
                try await connection.query("DELETE FROM policy.pack_activations WHERE pack_id = \(packID)", logger: logger)
            }
            try await connection.query("""
                INSERT INTO policy.activation_history (tenant_id, pack_id, version, mode, change, changed_by, request_id)
                VALUES (\(scope.tenantID), \(packID), \(target?.version), \(target?.mode.rawValue), \(changeName), \(scope.subject), \(requestID))
                """, logger: logger)
            let outcome = SetOutcome(revision: revision, active: try await Self.activeEntries(on: connection, logger: logger),
                                     activation: activation, previous: previous)
            try await stage(outcome, connection)
            return outcome
        }
    }

    /// The tenant's active packs and the set's revision (0 before the first activation).
    func activeSet(scope: TenantScope, logger: Logger) async throws -> (revision: Int64, active: [ActiveEntry]) {
        try await database.withTenant(scope, logger: logger) { connection in
            (try await Self.revision(on: connection, logger: logger), try await Self.activeEntries(on: connection, logger: logger))
        }
    }

    func revision(scope: TenantScope, logger: Logger) async throws -> Int64 {
        try await database.withTenant(scope, logger: logger) { connection in
            try await Self.revision(on: connection, logger: logger)
        }
    }

    /// Every tenant's set revision, across tenants, in pages ordered by tenant id (through a
    /// SECURITY DEFINER function: the service's role cannot read past its tenant otherwise).
    func revisions(after tenant: UUID?, limit: Int32, logger: Logger) async throws -> [(tenant: UUID, revision: Int64)] {
        let rows = try await database.client.query("SELECT tenant_id, revision FROM policy.pack_set_revisions(\(tenant), \(limit))",
                                                   logger: logger)
        var page: [(tenant: UUID, revision: Int64)] = []
        for try await (tenant, revision) in rows.decode((UUID, Int64).self) { page.append((tenant, revision)) }
        return page
    }

    /// What to do with a tenant's set once its row is locked.
    enum Republication: Sendable, Equatable {
        case leave
        /// Publish the set as stored.
        case asStored
        /// Raise the revision to this first (the topic holds one the database does not).
        case raised(to: Int64)
    }

    /// For republishing the tenant's set: reads its revision under the set's row lock, asks
    /// `plan` what to do with it and, unless left, hands the (possibly raised) set to
    /// `publish`. The lock is held until `publish` returns, so a change of the set made
    /// meanwhile commits, and is published, after what `publish` sent. Nil when left.
    func republish(scope: TenantScope, logger: Logger, plan: @Sendable (_ stored: Int64) -> Republication,
                   publish: @Sendable (_ stored: Int64, _ revision: Int64, _ active: [ActiveEntry], PostgresConnection) async throws -> Void)
        async throws -> (revision: Int64, active: [ActiveEntry])? {
        try await database.withTenant(scope, logger: logger) { connection in
            let rows = try await connection.query("SELECT revision FROM policy.pack_sets FOR UPDATE", logger: logger)
            var stored: Int64 = 0
            for try await value in rows.decode(Int64.self) { stored = value }
            var revision = stored
            switch plan(stored) {
            case .leave:
                return nil
            case .asStored:
                guard stored > 0 else { return nil }
            case .raised(let target):
                guard target > stored else { return nil }
                // A tenant the topic knows and the database does not gets its row here; a
                // first activation racing this waits on the row's key, and then comes after.
                try await connection.query("""
                    INSERT INTO policy.pack_sets (tenant_id, revision) VALUES (\(scope.tenantID), \(target))
                    ON CONFLICT (tenant_id) DO UPDATE SET revision = GREATEST(policy.pack_sets.revision, EXCLUDED.revision)
                    """, logger: logger)
                revision = try await Self.revision(on: connection, logger: logger)
            }
            let active = try await Self.activeEntries(on: connection, logger: logger)
            try await publish(stored, revision, active, connection)
            return (revision, active)
        }
    }

    // MARK: Statements

    private static func revision(on connection: PostgresConnection, logger: Logger) async throws -> Int64 {
        let rows = try await connection.query("SELECT revision FROM policy.pack_sets", logger: logger)
        for try await revision in rows.decode(Int64.self) { return revision }
        return 0
    }

    private static func insert(_ signature: PackSignature, pack packID: String, version: String, scope: TenantScope,
                               on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            INSERT INTO policy.pack_signatures (tenant_id, pack_id, version, key_id, signature, added_by)
            VALUES (\(scope.tenantID), \(packID), \(version), \(signature.keyID), \(signature.value), \(scope.subject))
            ON CONFLICT DO NOTHING
            """, logger: logger)
    }

    private static func version(_ packID: String, _ version: String, on connection: PostgresConnection, logger: Logger) async throws -> StoredVersion? {
        let rows = try await connection.query("""
            SELECT description, document, digest, created_at, created_by FROM policy.pack_versions
            WHERE pack_id = \(packID) AND version = \(version)
            """, logger: logger)
        var stored: StoredVersion?
        for try await (description, document, digest, createdAt, createdBy) in rows.decode((String, String, Data, Date, String).self) {
            stored = StoredVersion(packID: packID, version: version, description: description, document: document, digest: digest,
                                   createdAt: createdAt, createdBy: createdBy, signatures: [])
        }
        guard var stored else { return nil }
        stored.signatures = try await signatures(packID, version, on: connection, logger: logger)
        return stored
    }

    private static func signatures(_ packID: String, _ version: String, on connection: PostgresConnection, logger: Logger) async throws -> [PackSignature] {
        let rows = try await connection.query("""
            SELECT key_id, signature FROM policy.pack_signatures WHERE pack_id = \(packID) AND version = \(version) ORDER BY key_id
            """, logger: logger)
        var signatures: [PackSignature] = []
        for try await (keyID, value) in rows.decode((String, Data).self) { signatures.append(PackSignature(keyID: keyID, value: value)) }
        return signatures
    }

    private static func activation(_ packID: String, on connection: PostgresConnection, logger: Logger) async throws -> Activation? {
        try await activations(on: connection, logger: logger, pack: packID).first
    }

    private static func activations(on connection: PostgresConnection, logger: Logger, pack packID: String? = nil) async throws -> [Activation] {
        let rows = try await connection.query("""
            SELECT pack_id, version, mode, activated_at, activated_by FROM policy.pack_activations
            WHERE \(packID)::text IS NULL OR pack_id = \(packID) ORDER BY pack_id
            """, logger: logger)
        var activations: [Activation] = []
        for try await (id, version, mode, at, by) in rows.decode((String, String, String, Date, String).self) {
            activations.append(Activation(packID: id, version: version, mode: PackMode(rawValue: mode) ?? .shadow, activatedAt: at, activatedBy: by))
        }
        return activations
    }

    private static func activeEntries(on connection: PostgresConnection, logger: Logger) async throws -> [ActiveEntry] {
        let active = try await storedVersions(
            """
            SELECT v.pack_id, v.version, v.description, v.document, v.digest, v.created_at, v.created_by
            FROM policy.pack_versions v JOIN policy.pack_activations a USING (tenant_id, pack_id, version)
            """,
            signatures: """
            SELECT s.pack_id, s.version, s.key_id, s.signature
            FROM policy.pack_signatures s JOIN policy.pack_activations a USING (tenant_id, pack_id, version) ORDER BY s.key_id
            """,
            on: connection, logger: logger)
        let byPack = Dictionary(active.map { ($0.packID, $0) }, uniquingKeysWith: { first, _ in first })
        return try await activations(on: connection, logger: logger).compactMap { activation in
            guard let stored = byPack[activation.packID], stored.version == activation.version else { return nil }
            return ActiveEntry(activation: activation, document: stored.document, signatures: stored.signatures)
        }
    }

    /// The versions `versions` selects (columns as in `pack_versions`) with the signatures
    /// `signatures` selects (pack, version, key id, signature, by key id): two statements
    /// however many versions there are.
    private static func storedVersions(_ versions: PostgresQuery, signatures: PostgresQuery, on connection: PostgresConnection,
                                       logger: Logger) async throws -> [StoredVersion] {
        struct VersionKey: Hashable {
            var packID: String
            var version: String
        }
        var signed: [VersionKey: [PackSignature]] = [:]
        for try await (packID, version, keyID, value) in try await connection.query(signatures, logger: logger)
            .decode((String, String, String, Data).self) {
            signed[VersionKey(packID: packID, version: version), default: []].append(PackSignature(keyID: keyID, value: value))
        }
        var stored: [StoredVersion] = []
        for try await (packID, version, description, document, digest, createdAt, createdBy) in try await connection.query(versions, logger: logger)
            .decode((String, String, String, String, Data, Date, String).self) {
            stored.append(StoredVersion(packID: packID, version: version, description: description, document: document, digest: digest,
                                        createdAt: createdAt, createdBy: createdBy,
                                        signatures: signed[VersionKey(packID: packID, version: version)] ?? []))
        }
        return stored
    }

    private static func history(_ packID: String, on connection: PostgresConnection, logger: Logger) async throws -> [ActivationChange] {
        let rows = try await connection.query("""
            SELECT change_id, version, mode, change, changed_at, changed_by, request_id FROM policy.activation_history
            WHERE pack_id = \(packID) ORDER BY change_id
            """, logger: logger)
        var changes: [ActivationChange] = []
        for try await (id, version, mode, change, at, by, requestID) in rows.decode((Int64, String?, String?, String, Date, String, String).self) {
            changes.append(ActivationChange(changeID: id, packID: packID, version: version, mode: mode.flatMap(PackMode.init(rawValue:)),
                                            change: change, changedAt: at, changedBy: by, requestID: requestID))
        }
        return changes
    }
}

extension SemanticVersion {
    /// Stored versions by semver precedence (every stored one parses; text order otherwise).
    static func ascending(_ a: String, _ b: String) -> Bool {
        guard let first = SemanticVersion(a), let second = SemanticVersion(b) else { return a < b }
        return first < second
    }
}
