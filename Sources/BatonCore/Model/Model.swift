/// Per-dimension affine map between the data's own units and the units the network sees:
/// `model = (data − offset) / scale`. Stored in the model file; the stepper applies it so
/// callers speak in the data's units.
public struct Normalisation: Equatable, Sendable, Codable {
    /// Per dimension, the value subtracted from the data before it is scaled.
    public var offset: [Float]
    /// Per dimension, the divisor applied after the offset.
    public var scale: [Float]

    /// A normalisation from one offset and one scale per dimension (equal counts).
    public init(offset: [Float], scale: [Float]) {
        precondition(offset.count == scale.count, "normalisation: \(offset.count) offsets, \(scale.count) scales")
        self.offset = offset
        self.scale = scale
    }

    /// The normalisation that leaves `dims` dimensions as they are.
    public static func identity(dims: Int) -> Normalisation {
        Normalisation(offset: [Float](repeating: 0, count: dims), scale: [Float](repeating: 1, count: dims))
    }

    /// Dimensions it applies to.
    public var dims: Int { scale.count }
}

/// A model: its architecture, its parameters in one flat buffer (see `ParameterLayout`),
/// and the metadata its file carries (display name, colour, corpus, training summary).
public struct Model: Sendable {
    /// The architecture: kind, input width, layers, units and head.
    public let config: ModelConfig
    /// Where each named tensor sits in `parameters`.
    public let layout: ParameterLayout
    /// All trainable values, laid out by `layout`.
    public var parameters: [Float]
    /// Input normalisation for continuous models; nil for text.
    public var normalisation: Normalisation?
    /// Free-form provenance (string → string), saved in the file's `__metadata__`.
    public var metadata: [String: String]
    /// How the weights were stored in the file the model came from (F32 when built in memory).
    public var storedDType: TensorDType = .f32

    /// A model from its architecture and a flat parameter buffer of exactly `layout.count` values.
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

    /// The name to show people: the `name` metadata, or "model".
    public var displayName: String { metadata[MetadataKey.name] ?? "model" }
    /// The colour the Studio and terminal draw this model in (`#rrggbb`), when the file sets one.
    public var colour: String? { metadata[MetadataKey.colour] }
}

/// Metadata keys Baton reads and writes (values are strings; nested values are JSON).
public enum MetadataKey {
    /// The file format's name and version.
    public static let format = "format"
    /// Text, control or strokes.
    public static let kind = "kind"
    /// The number of LSTM layers.
    public static let layers = "layers"
    /// Hidden units per layer.
    public static let units = "units"
    /// Text models: the vocabulary size (256).
    public static let vocab = "vocab"
    /// Text models with a learned embedding: its width.
    public static let embedding = "embedding"
    /// Continuous models: values per event.
    public static let dims = "dims"
    /// Mixture heads: the number of components.
    public static let mixtures = "mixtures"
    /// Mixture heads: the σ transform (`exp` or `elu`).
    public static let sigma = "sigma"
    /// Continuous models: the input normalisation, as JSON.
    public static let normalisation = "normalisation"
    /// The display name.
    public static let name = "name"
    /// The display colour (`#rrggbb`).
    public static let colour = "colour"
    /// The file or dataset it was trained on.
    public static let corpus = "corpus"
    /// A summary of the training run, as JSON.
    public static let training = "training"
    /// Control models: the pause (seconds) that split takes in training; finite and > 0.
    public static let splitPause = "split_pause"

    /// Keys derived from the architecture; rewritten on every save.
    static let architecture: Set<String> = [format, kind, layers, units, vocab, embedding, dims, mixtures, sigma, normalisation]
}
