#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Running sums of a least-squares line f(t): fixed size, a few additions per point.
struct LineFit: Sendable, Hashable {
    /// Points added.
    private(set) var count = 0.0
    private var sumT = 0.0
    private var sumTT = 0.0
    private var sumF = 0.0
    private var sumTF = 0.0
    private var sumFF = 0.0

    /// Adds the point (`t`, `f`).
    mutating func add(t: Double, f: Double) {
        count += 1
        sumT += t
        sumTT += t * t
        sumF += f
        sumTF += t * f
        sumFF += f * f
    }

    /// Mean of the points' `f`; 0 before any point.
    var meanF: Double { sumF / max(count, 1) }

    /// Slope of the least-squares line (`f` per unit of `t`); 0 when every `t` is the same.
    var slope: Double {
        let varT = sumTT - sumT * sumT / count
        return varT > 0 ? (sumTF - sumT * sumF / count) / varT : 0
    }

    /// Standard deviation of the points around their least-squares line; 0 under three points.
    var residualDeviation: Double {
        guard count >= 3 else { return 0 }
        let varT = sumTT - sumT * sumT / count
        let covTF = sumTF - sumT * sumF / count
        let varF = sumFF - sumF * sumF / count
        let residual = varT > 0 ? varF - covTF * covTF / varT : varF
        return sqrt(max(residual, 0) / count)
    }
}
