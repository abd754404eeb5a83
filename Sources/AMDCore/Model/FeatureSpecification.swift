/// How a model's feature vector is built from audio: the MFCC front end, then statistics over a few frames.
///
/// Stored in the model file under `features` (MFCC keys flattened beside `context_frames` and `statistics`), so a
/// model can only be used with the front end it was trained on.
public struct FeatureSpecification: Sendable, Hashable, Codable {
    /// The MFCC front end.
    public var mfcc: MFCCConfiguration
    /// Frames over which the statistics are taken (at `hop_length` samples each).
    public var contextFrames: Int
    /// Statistics of each coefficient over the context, in order: `"mean"`, `"std"`.
    public var statistics: [String]

    /// Statistics this build computes.
    public static let supportedStatistics: Set<String> = ["mean", "std"]

    /// Creates a specification.
    public init(mfcc: MFCCConfiguration, contextFrames: Int, statistics: [String]) {
        self.mfcc = mfcc
        self.contextFrames = contextFrames
        self.statistics = statistics
    }

    /// Length of the feature vector: `n_mfcc` values per statistic.
    public var dimension: Int { mfcc.nMFCC * statistics.count }

    private enum CodingKeys: String, CodingKey {
        case contextFrames = "context_frames"
        case statistics
    }

    /// Decodes the specification from the model file (its keys sit beside the model's other fields).
    public init(from decoder: any Decoder) throws {
        mfcc = try MFCCConfiguration(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        contextFrames = try container.decode(Int.self, forKey: .contextFrames)
        statistics = try container.decode([String].self, forKey: .statistics)
    }

    /// Encodes the specification into the model file, beside the model's other fields.
    public func encode(to encoder: any Encoder) throws {
        try mfcc.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(contextFrames, forKey: .contextFrames)
        try container.encode(statistics, forKey: .statistics)
    }

    /// Checks every field; the error names the first bad one (`features.context_frames`, …).
    public func validate() throws(ModelError) {
        do {
            try mfcc.validate()
        } catch {
            throw .invalidField(field: "features", reason: "is invalid: \(error.description)")
        }
        guard (2...100).contains(contextFrames) else {
            throw .invalidField(field: "features.context_frames", reason: "must be in 2...100, got \(contextFrames)")
        }
        guard !statistics.isEmpty else {
            throw .invalidField(field: "features.statistics", reason: "must name at least one statistic")
        }
        for (index, name) in statistics.enumerated() where !Self.supportedStatistics.contains(name) {
            throw .invalidField(
                field: "features.statistics[\(index)]",
                reason: "'\(name)' is not one of \(Self.supportedStatistics.sorted())"
            )
        }
    }
}
