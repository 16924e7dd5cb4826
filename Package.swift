// swift-tools-version:6.0
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

/// One executable per service; each is a thin `main` over its routes, consumers and SQL.
func service(_ product: String, folder: String, extra: [Target.Dependency] = []) -> Target {
    .executableTarget(
        name: product,
        dependencies: [
            "PalisadeService", "PalisadeStore", "PalisadeKafka", "PalisadeAuth", "PalisadeEvents",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ] + extra,
        path: "Services/\(folder)",
        swiftSettings: swiftSettings
    )
}

let package = Package(
    name: "palisade",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "palisade-gateway", targets: ["palisade-gateway"]),
        .executable(name: "palisade-ingest", targets: ["palisade-ingest"]),
        .executable(name: "palisade-policy", targets: ["palisade-policy"]),
        .executable(name: "palisade-watcher", targets: ["palisade-watcher"]),
        .executable(name: "palisade-incidents", targets: ["palisade-incidents"]),
        .executable(name: "palisade-alerts", targets: ["palisade-alerts"]),
        .executable(name: "palisade-siem", targets: ["palisade-siem"]),
        .executable(name: "palisade", targets: ["palisade"]),
        .executable(name: "palisade-bench-events", targets: ["palisade-bench-events"]),
        .executable(name: "palisade-bench-incidents", targets: ["palisade-bench-incidents"]),
        .executable(name: "palisade-bench-edge", targets: ["palisade-bench-edge"]),
        .executable(name: "palisade-bench-detectors", targets: ["palisade-bench-detectors"]),
        .executable(name: "palisade-bench-gateway", targets: ["palisade-bench-gateway"]),
        .executable(name: "palisade-bench-policy", targets: ["palisade-bench-policy"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CRdKafka",
            path: "Shared/CRdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]
        ),
        .target(
            name: "PalisadeKafka",
            dependencies: [
                "CRdKafka",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/PalisadeKafka",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PalisadeAuth",
            dependencies: [
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            path: "Shared/PalisadeAuth",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PalisadeCrypto",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Shared/PalisadeCrypto",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PalisadeStore",
            dependencies: [
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Shared/PalisadeStore",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PalisadeEvents",
            dependencies: [
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Shared/PalisadeEvents",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PalisadeEdge",
            dependencies: [
                "PalisadeService",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            path: "Shared/PalisadeEdge",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PalisadeDelivery",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ],
            path: "Shared/PalisadeDelivery",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PalisadeLedger",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Shared/PalisadeLedger",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CGuardBytes",
            path: "Shared/CGuardBytes"
        ),
        .target(
            name: "PalisadeGuard",
            dependencies: ["CGuardBytes"],
            path: "Shared/PalisadeGuard",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PalisadeGuardQuality",
            dependencies: ["PalisadeGuard"],
            path: "Shared/PalisadeGuardQuality",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PalisadeRules",
            dependencies: [
                "PalisadeEvents",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Shared/PalisadeRules",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PalisadePolicy",
            dependencies: [
                "PalisadeEvents",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Shared/PalisadePolicy",
            // Compiled conditions are classes written only while they are built; the dynamic
            // exclusivity checks on their arrays cost a tenth of every decision (measured).
            swiftSettings: swiftSettings + [.unsafeFlags(["-enforce-exclusivity=unchecked"])]
        ),
        .target(
            name: "PalisadeService",
            dependencies: [
                "PalisadeAuth", "PalisadeStore", "PalisadeKafka", "PalisadeEvents",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Shared/PalisadeService",
            swiftSettings: swiftSettings
        ),
        service("palisade-gateway", folder: "Gateway",
                extra: [
                    "PalisadeEdge", "PalisadeCrypto", "PalisadeGuard", "PalisadePolicy",
                    .product(name: "Metrics", package: "swift-metrics"),
                    .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                    .product(name: "AsyncHTTPClient", package: "async-http-client"),
                    .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                ]),
        service("palisade-ingest", folder: "Ingest"),
        service("palisade-policy", folder: "Policy", extra: [
            "PalisadeRules", "PalisadePolicy",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        service("palisade-watcher", folder: "Watcher", extra: [
            "PalisadeDelivery",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        service("palisade-incidents", folder: "Incidents", extra: ["PalisadeLedger"]),
        service("palisade-alerts", folder: "Alerts", extra: ["PalisadeDelivery"]),
        service("palisade-siem", folder: "SIEM", extra: ["PalisadeDelivery"]),
        .executableTarget(
            name: "palisade",
            dependencies: [
                "PalisadeKafka", "PalisadeAuth", "PalisadeService", "PalisadeStore", "PalisadeCrypto", "PalisadeGuard", "PalisadeGuardQuality", "PalisadePolicy",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tools/Palisade",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "palisade-bench-events",
            dependencies: [
                "PalisadeAuth",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/EventsThroughput",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "palisade-bench-incidents",
            dependencies: [
                "PalisadeAuth",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/IncidentLatency",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "palisade-bench-edge",
            dependencies: [
                "PalisadeBenchmarkSupport",
                "PalisadeAuth",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Benchmarks/EdgeLatency",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PalisadeBenchmarkSupport",
            dependencies: [
                "PalisadeGuard", "PalisadeGuardQuality",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Benchmarks/Support",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "palisade-bench-detectors",
            dependencies: [
                "PalisadeGuard", "PalisadeBenchmarkSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/DetectorThroughput",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "palisade-bench-gateway",
            dependencies: [
                "PalisadeAuth", "PalisadeGuard", "PalisadeBenchmarkSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Benchmarks/GatewayLatency",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "palisade-bench-policy",
            dependencies: [
                "PalisadeAuth", "PalisadePolicy", "PalisadeBenchmarkSupport", "PalisadeGuardQuality",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Benchmarks/PolicyDecisions",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PalisadeUnitTests",
            dependencies: [
                "PalisadeKafka", "PalisadeAuth", "PalisadeStore", "PalisadeEvents", "PalisadeService", "PalisadeRules", "PalisadeLedger", "PalisadeDelivery", "PalisadeEdge", "PalisadeCrypto", "PalisadeGuard", "PalisadeGuardQuality",
                "PalisadePolicy",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            path: "Tests/PalisadeUnitTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PalisadeIntegrationTests",
            dependencies: [
                "PalisadeKafka", "PalisadeAuth", "PalisadeStore", "PalisadeEvents", "PalisadePolicy",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/PalisadeIntegrationTests",
            swiftSettings: swiftSettings
        ),
    ]
)
