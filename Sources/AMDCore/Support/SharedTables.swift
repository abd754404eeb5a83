import Synchronization

/// Read-only tables that every instance built with the same key shares, made once per key.
///
/// Each call's detector builds the same FFT twiddles, mel filters, analysis window and resampling filter as every
/// other call's. Swift arrays are copy-on-write, so an instance that takes its arrays from one cached value holds
/// references, not copies: one set of tables in memory instead of one per call (≈ 29 KB a call with the default
/// model). Only initialisers look tables up, never the per-frame path. The cache holds one entry per distinct key
/// (an FFT size, a feature configuration, a pair of sample rates): a handful in a daemon, never freed.
package final class SharedTables<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private let values = Mutex<[Key: Value]>([:])

    /// An empty cache.
    package init() {}

    /// The value for `key`, made by `make` the first time; when two threads race, both make it and the first kept
    /// wins, so every later caller shares that one.
    package func value<Failure: Error>(
        for key: Key, make: () throws(Failure) -> Value
    ) throws(Failure) -> Value {
        if let cached = values.withLock({ $0[key] }) { return cached }
        let made = try make()
        return values.withLock { table in
            if let kept = table[key] { return kept }
            table[key] = made
            return made
        }
    }
}
