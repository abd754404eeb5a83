/// A sum of small regression trees over a track's measurements, as gradient boosting fits them: the part of the
/// track classifier's logit that a weighted sum cannot draw (a pure tone is beep-like only if it is also steady and
/// loud enough, a low one only if nothing was voiced just before it, …).
///
/// All trees live in flat node arrays, so a model file stays compact and evaluation walks indices without
/// allocating. Node `i` is a leaf when `feature[i]` is -1; otherwise it sends a track to `left[i]` when the
/// measurement named by `feature[i]` (an index into the classifier's feature list) is at most `threshold[i]`, else to
/// `right[i]`. Children always come after their parent, so every walk ends.
public struct BoostedTrees: Sendable, Hashable, Codable {
    /// Per node: index of the measurement tested, or -1 for a leaf.
    public var feature: [Int]
    /// Per node: a track goes left when its measurement is at most this value.
    public var threshold: [Double]
    /// Per node: the node a track goes to when its measurement is at most the threshold (-1 on leaves).
    public var left: [Int]
    /// Per node: the node a track goes to otherwise (-1 on leaves).
    public var right: [Int]
    /// Per node: the leaf's contribution to the logit, already scaled by the learning rate (0 on inner nodes).
    public var value: [Double]
    /// The root node of each tree.
    public var roots: [Int]

    /// Creates trees from their flat node arrays.
    public init(feature: [Int], threshold: [Double], left: [Int], right: [Int], value: [Double], roots: [Int]) {
        self.feature = feature
        self.threshold = threshold
        self.left = left
        self.right = right
        self.value = value
        self.roots = roots
    }

    /// The sum of the leaves `inputs` leads to, one per tree, in tree order; `inputs[i]` is the classifier's
    /// feature `i` rounded to single precision (`Double(Float(x))`), as scikit-learn's trees compare it, so a fitted
    /// model decides exactly as it did in training. Allocates nothing.
    func sum(_ inputs: UnsafeBufferPointer<Double>) -> Double {
        sums(inputs, inputs).first
    }

    /// ``sum(_:)`` of two input vectors at once, each total added up in tree order as ``sum(_:)`` adds it: the two
    /// walks through a tree are independent chains of loads and comparisons that overlap, and they share the
    /// nodes' cache lines. Allocates nothing.
    func sums(
        _ first: UnsafeBufferPointer<Double>, _ second: UnsafeBufferPointer<Double>
    )
        -> (first: Double, second: Double)
    {
        feature.withUnsafeBufferPointer { feature in
            threshold.withUnsafeBufferPointer { threshold in
                left.withUnsafeBufferPointer { left in
                    right.withUnsafeBufferPointer { right in
                        value.withUnsafeBufferPointer { value in
                            var totalFirst = 0.0
                            var totalSecond = 0.0
                            for root in roots {
                                var a = root
                                var b = root
                                while true {
                                    let featureA = feature[a]
                                    let featureB = feature[b]
                                    if featureA < 0 && featureB < 0 { break }
                                    if featureA >= 0 { a = first[featureA] <= threshold[a] ? left[a] : right[a] }
                                    if featureB >= 0 { b = second[featureB] <= threshold[b] ? left[b] : right[b] }
                                }
                                totalFirst += value[a]
                                totalSecond += value[b]
                            }
                            return (totalFirst, totalSecond)
                        }
                    }
                }
            }
        }
    }

    /// Checks the node arrays' shapes and links for a classifier of `featureCount` measurements; the error names the
    /// field under `path`.
    func validate(path: String, featureCount: Int) throws(ModelError) {
        let count = feature.count
        guard count > 0, !roots.isEmpty else {
            throw .invalidField(field: "\(path).roots", reason: "must name at least one tree")
        }
        let arrays: [(String, Int)] = [
            ("threshold", threshold.count), ("left", left.count), ("right", right.count), ("value", value.count),
        ]
        for (name, length) in arrays where length != count {
            throw .invalidField(field: "\(path).\(name)", reason: "must have \(count) values, one per node")
        }
        for node in 0..<count {
            if feature[node] == -1 {
                guard value[node].isFinite else {
                    throw .invalidField(field: "\(path).value[\(node)]", reason: "must be finite")
                }
                continue
            }
            guard (0..<featureCount).contains(feature[node]) else {
                throw .invalidField(field: "\(path).feature[\(node)]", reason: "must be -1 or in 0..<\(featureCount)")
            }
            guard threshold[node].isFinite else {
                throw .invalidField(field: "\(path).threshold[\(node)]", reason: "must be finite")
            }
            for (name, child) in [("left", left[node]), ("right", right[node])]
            where !(node + 1..<count).contains(child) {
                throw .invalidField(field: "\(path).\(name)[\(node)]", reason: "must be a later node, is \(child)")
            }
        }
        if let bad = roots.firstIndex(where: { !(0..<count).contains($0) }) {
            throw .invalidField(field: "\(path).roots[\(bad)]", reason: "must be in 0..<\(count)")
        }
    }
}
