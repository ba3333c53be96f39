/// Per-dimension affine map between the data's own units and the units the network sees:
/// `model = (data − offset) / scale`. Stored in the model file; the stepper applies it so
/// callers speak in the data's units.
public struct Normalisation: Equatable, Sendable, Codable {
    public var offset: [Float]
    public var scale: [Float]

    public init(offset: [Float], scale: [Float]) {
        precondition(offset.count == scale.count, "normalisation: \(offset.count) offsets, \(scale.count) scales")
        self.offset = offset
        self.scale = scale
    }

    public static func identity(dims: Int) -> Normalisation {
        Normalisation(offset: [Float](repeating: 0, count: dims), scale: [Float](repeating: 1, count: dims))
    }

    public var dims: Int { scale.count }
}

/// A model: its architecture, its parameters in one flat buffer (see `ParameterLayout`),
/// and the metadata its file carries (display name, colour, corpus, training summary).
public struct Model: Sendable {
    public let config: ModelConfig
    public let layout: ParameterLayout
    /// All trainable values, laid out by `layout`.
    public var parameters: [Float]
    /// Input normalisation for continuous models; nil for text.
    public var normalisation: Normalisation?
    /// Free-form provenance (string → string), saved in the file's `__metadata__`.
    public var metadata: [String: String]
    /// How the weights were stored in the file the model came from (F32 when built in memory).
    public var storedDType: TensorDType = .f32

    public init(config: ModelConfig, parameters: [Float], normalisation: Normalisation? = nil, metadata: [String: String] = [:]) {
        let layout = ParameterLayout(config)
        precondition(parameters.count == layout.count, "model: layout needs \(layout.count) parameters, got \(parameters.count)")
        self.config = config
        self.layout = layout
        self.parameters = parameters
        self.normalisation = normalisation
        self.metadata = metadata
    }

    /// A zero-filled model of the given architecture.
    public init(zeroed config: ModelConfig) {
        self.init(config: config, parameters: [Float](repeating: 0, count: ParameterLayout(config).count))
    }

    /// The values of one named tensor.
    public func tensor(_ name: String) -> ArraySlice<Float> {
        parameters[layout.slot(name).range]
    }

    public var displayName: String { metadata[MetadataKey.name] ?? "model" }
    public var colour: String? { metadata[MetadataKey.colour] }
}

/// Metadata keys Baton reads and writes (values are strings; nested values are JSON).
public enum MetadataKey {
    public static let format = "format"
    public static let kind = "kind"
    public static let layers = "layers"
    public static let units = "units"
    public static let vocab = "vocab"
    public static let embedding = "embedding"
    public static let dims = "dims"
    public static let mixtures = "mixtures"
    public static let sigma = "sigma"
    public static let normalisation = "normalisation"
    public static let name = "name"
    public static let colour = "colour"
    public static let corpus = "corpus"
    public static let training = "training"
    /// Control models: the pause (seconds) that split takes in training; finite and > 0.
    public static let splitPause = "split_pause"

    /// Keys derived from the architecture; rewritten on every save.
    static let architecture: Set<String> = [format, kind, layers, units, vocab, embedding, dims, mixtures, sigma, normalisation]
}
