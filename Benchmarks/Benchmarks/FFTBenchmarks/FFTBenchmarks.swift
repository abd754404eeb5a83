import AMDCore
import Benchmark
import CKissFFT

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Deterministic test input in −1…1.
private func signal(count: Int) -> [Float] {
    (0..<count).map { Float(($0 * 7919) % 2001) / 1000 - 1 }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .instructions],
        timeUnits: .nanoseconds,
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 1_000_000
    )

    for size in [256, 512, 1024] {
        // One complex transform: size/2+1 bins, unnormalised.
        Benchmark("RealFFT.forward n=\(size)") { benchmark in
            let fft = try RealFFT(size: size)
            let input = signal(count: size)
            var real = [Float](repeating: 0, count: fft.binCount)
            var imag = [Float](repeating: 0, count: fft.binCount)
            input.withUnsafeBufferPointer { x in
                real.withUnsafeMutableBufferPointer { re in
                    imag.withUnsafeMutableBufferPointer { im in
                        benchmark.startMeasurement()
                        for _ in benchmark.scaledIterations {
                            fft.forward(x, real: re, imag: im)
                            blackHole(re[1])
                        }
                        benchmark.stopMeasurement()
                    }
                }
            }
        }

        Benchmark("RealFFT.powerSpectrum n=\(size)") { benchmark in
            var fft = try RealFFT(size: size)
            let input = signal(count: size)
            var power = [Float](repeating: 0, count: fft.binCount)
            input.withUnsafeBufferPointer { x in
                power.withUnsafeMutableBufferPointer { p in
                    benchmark.startMeasurement()
                    for _ in benchmark.scaledIterations {
                        fft.powerSpectrum(x, into: p)
                        blackHole(p[1])
                    }
                    benchmark.stopMeasurement()
                }
            }
        }

        Benchmark("kiss_fftr n=\(size)") { benchmark in
            guard let config = kiss_fftr_alloc(Int32(size), 0, nil, nil) else { return }
            defer { free(UnsafeMutableRawPointer(config)) }
            let input = signal(count: size)
            var output = [kiss_fft_cpx](repeating: kiss_fft_cpx(r: 0, i: 0), count: size / 2 + 1)
            input.withUnsafeBufferPointer { x in
                output.withUnsafeMutableBufferPointer { out in
                    benchmark.startMeasurement()
                    for _ in benchmark.scaledIterations {
                        kiss_fftr(config, x.baseAddress, out.baseAddress)
                        blackHole(out[1].r)
                    }
                    benchmark.stopMeasurement()
                }
            }
        }
    }
}
