// swift-tools-version:6.2
// amd-edge: answering-machine beep detection for Linux gateways.
// Data flow, one module per stage: ingress (RTP, AMDServer) → decode/resample (AMDCore) → detector (AMDCore)
// → events → channels (AMDServer). AudioFile and AMDOffline serve the offline commands.

import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "amd-edge",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "amd-edge", targets: ["amd-edge"]),
        .library(name: "AMDCore", targets: ["AMDCore"]),
        .library(name: "RTP", targets: ["RTP"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        // No traits: its JSON, YAML and property-list providers need Foundation, which the daemon does not link.
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0", traits: []),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.1.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.30.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0", traits: []),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.0"),
        // Test-only: reads docs/openapi.yaml to check it against the running API.
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
    ],
    targets: [
        // Pure signal processing and detection: G.711, resampling, VAD, MFCC, Gaussian NB, the beep detector.
        // The shipped model (Models/default-model.json) is compiled in by the EmbedModel plugin.
        .target(name: "AMDCore", swiftSettings: swiftSettings, plugins: ["EmbedModel"]),
        // Build-time generator: Models/default-model.json as Swift source, so the JSON is the only copy in git.
        .executableTarget(name: "EmbedModelTool", path: "Plugins/EmbedModelTool"),
        .plugin(name: "EmbedModel", capability: .buildTool(), dependencies: ["EmbedModelTool"]),
        // Audio containers read from bytes: WAV (PCM, µ-law, A-law) and headerless raw audio.
        .target(name: "AudioFile", dependencies: ["AMDCore"], swiftSettings: swiftSettings),
        // Wire formats: RTP (RFC 3550), RTP stream reassembly, pcap and pcapng captures.
        .target(name: "RTP", swiftSettings: swiftSettings),
        // libasound2, for capture devices; nothing else.
        .systemLibrary(
            name: "CALSA",
            pkgConfig: "alsa",
            providers: [.apt(["libasound2-dev"])]
        ),
        // The offline commands' logic: detect, eval, train over files and captures.
        .target(
            name: "AMDOffline",
            dependencies: ["AMDCore", "AudioFile", "RTP"],
            swiftSettings: swiftSettings
        ),
        // The daemon: ingress (RTP over UDP, Vonage websocket, ALSA), calls, events, notification channels, HTTP API.
        .target(
            name: "AMDServer",
            dependencies: [
                "AMDCore", "RTP", "CALSA",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "Configuration", package: "swift-configuration"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "amd-edge",
            dependencies: [
                "AMDCore", "AudioFile", "RTP", "AMDOffline", "AMDServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AMDCoreTests", dependencies: ["AMDCore"], resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "AudioFileTests", dependencies: ["AudioFile", "AMDCore"], resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "RTPTests", dependencies: ["RTP"], resources: [.copy("Fixtures")], swiftSettings: swiftSettings),
        .testTarget(
            name: "AMDOfflineTests", dependencies: ["AMDOffline", "AMDCore", "AudioFile", "RTP"],
            resources: [.copy("Fixtures")], swiftSettings: swiftSettings),
        .testTarget(
            name: "AMDServerTests",
            dependencies: [
                "AMDServer", "AMDCore", "RTP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
