// swift-tools-version:6.1
// Benchmarks for amd-edge, kept out of the main package so normal builds do not fetch the benchmark dependencies.
// Run from this folder:  swift package benchmark   (needs libkissfft-dev for the kissfft comparison)

import PackageDescription

let package = Package(
    name: "amd-edge-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "amd-edge", path: ".."),
        .package(
            url: "https://github.com/ordo-one/package-benchmark.git", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // kissfft (float build), the reference our RealFFT is compared with.
        .systemLibrary(
            name: "CKissFFT",
            pkgConfig: "kissfft-float",
            providers: [.apt(["libkissfft-dev"])]
        ),
        // AMDCore's RealFFT against kiss_fftr, sizes 256 to 1024 (the detector uses 512).
        .executableTarget(
            name: "FFTBenchmarks",
            dependencies: [
                "CKissFFT",
                .product(name: "AMDCore", package: "amd-edge"),
                .product(name: "Benchmark", package: "package-benchmark"),
            ],
            path: "Benchmarks/FFTBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        // Each stage of the detector and the whole StreamDetector, one second of audio per iteration: speed in
        // multiples of real time and allocations per second of audio.
        .executableTarget(
            name: "DetectorBenchmarks",
            dependencies: [
                .product(name: "AMDCore", package: "amd-edge"),
                .product(name: "Benchmark", package: "package-benchmark"),
            ],
            path: "Benchmarks/DetectorBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
    ]
)
