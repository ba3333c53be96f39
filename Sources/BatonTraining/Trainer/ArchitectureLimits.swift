import BatonCore

/// The model sizes training creates: checked before a fresh model is built, so a typo
/// (`--units 0`, `--mixtures 100000`) is a one-line error, not a trap or an allocation
/// that cannot succeed. Loading a model trained elsewhere is bounded by its file instead.
public enum ArchitectureLimits {
    public static let layers = 1...8
    public static let units = 1...4096
    public static let embedding = 1...4096
    public static let mixtures = 1...100
    /// Values per control event (dt included), e.g. the columns of a CSV.
    public static let dims = 1...256

    public static func check(layers: Int, units: Int, embedding: Int? = nil, mixtures: Int? = nil, dims: Int? = nil) throws(TrainingError) {
        func check(_ value: Int?, _ range: ClosedRange<Int>, _ name: String) throws(TrainingError) {
            guard let value, !range.contains(value) else { return }
            throw .invalidSetting(name: name, value: String(value), allowed: "\(range.lowerBound)–\(range.upperBound)")
        }
        try check(layers, Self.layers, "layers")
        try check(units, Self.units, "units")
        try check(embedding, Self.embedding, "embedding")
        try check(mixtures, Self.mixtures, "mixtures")
        try check(dims, Self.dims, "dims (values per event)")
    }
}
