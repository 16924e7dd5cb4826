import Foundation
import Logging
import PalisadeAuth
import PalisadeKafka
import PalisadeStore

/// A service's configuration, read from environment variables (see the README's table).
public struct ServiceSettings: Sendable {
    public let descriptor: ServiceDescriptor
    public let environment: [String: String]

    public init(descriptor: ServiceDescriptor, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.descriptor = descriptor
        self.environment = environment
    }

    /// `PALISADE_HTTP_HOST` (127.0.0.1).
    public var host: String { environment["PALISADE_HTTP_HOST"] ?? "127.0.0.1" }
    /// `PALISADE_HTTP_PORT` (the service's default port).
    public var port: Int { environment["PALISADE_HTTP_PORT"].flatMap(Int.init) ?? descriptor.defaultPort }
    /// `PALISADE_LOG_LEVEL` (info).
    public var logLevel: Logger.Level { environment["PALISADE_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info }
    /// `PALISADE_LOG_FORMAT`: json (default) or text.
    public var logFormat: String { environment["PALISADE_LOG_FORMAT"] ?? "json" }
    /// `PALISADE_MIGRATIONS_DIR` (./migrations): holds one folder per service.
    public var migrationsDirectory: URL {
        URL(fileURLWithPath: environment["PALISADE_MIGRATIONS_DIR"] ?? "migrations").appendingPathComponent(descriptor.name)
    }

    public func database(role: DatabaseRole) -> DatabaseConfiguration {
        DatabaseConfiguration.fromEnvironment(environment, service: descriptor.name, role: role)
    }

    public func kafka() throws -> KafkaConfiguration {
        KafkaConfiguration(
            bootstrapServers: try KafkaConfiguration.bootstrapServers(environment: environment),
            clientID: descriptor.executable
        )
    }

    /// `PALISADE_PLATFORM_PUBLIC_KEYS` (`kid:base64,...`) or the file `PALISADE_PLATFORM_PUBLIC_KEYS_FILE`:
    /// operator keys, verified besides what the JWKS publishes. Required when there is no JWKS.
    public func verifyingKeys() throws -> [PlatformVerifyingKey] {
        let text = (try? value("PALISADE_PLATFORM_PUBLIC_KEYS")) ?? ""
        let keys = try PlatformVerifyingKey.list(text)
        guard !keys.isEmpty || jwksURL != nil else { throw SettingsError.missing("PALISADE_PLATFORM_PUBLIC_KEYS") }
        return keys
    }

    /// `PALISADE_PLATFORM_JWKS_URL`: the gateway's `/.well-known/jwks.json`, for rotated keys.
    public var jwksURL: String? {
        environment["PALISADE_PLATFORM_JWKS_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// `PALISADE_PLATFORM_SIGNING_KEY` (`kid:base64 seed`) or `PALISADE_PLATFORM_SIGNING_KEY_FILE`.
    public func signingKey() throws -> PlatformSigningKey {
        try PlatformSigningKey(encoded: try value("PALISADE_PLATFORM_SIGNING_KEY"))
    }

    /// A variable, or the contents of the file named by `<name>_FILE`.
    public func value(_ name: String) throws -> String {
        if let value = environment[name], !value.isEmpty { return value }
        if let path = environment["\(name)_FILE"], !path.isEmpty {
            return try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        throw SettingsError.missing(name)
    }

    /// A whole-number variable within `range`, or `defaultValue` when unset. A bad value stops
    /// the service at start rather than running with a surprise.
    public func integer(_ name: String, default defaultValue: Int, range: ClosedRange<Int> = 0...Int.max) throws -> Int {
        guard let text = environment[name], !text.isEmpty else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            throw SettingsError.invalid(name, "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }
}

public enum SettingsError: Error, CustomStringConvertible {
    case missing(String)
    case invalid(String, String)

    public var description: String {
        switch self {
        case .missing(let name): "set \(name) (or \(name)_FILE)"
        case .invalid(let name, let reason): "\(name): \(reason)"
        }
    }
}
