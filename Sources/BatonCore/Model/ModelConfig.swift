/// What a model is trained on, which fixes its input and output.
public enum ModelKind: String, Sendable, CaseIterable {
    /// UTF-8 bytes in, a distribution over the 256 bytes out.
    case text
    /// IMPS-style control events in (dt first), a diagonal Gaussian mixture out.
    case control
    /// Pen strokes in stroke-3 form (dx, dy, pen lifted), bivariate Gaussians + pen out.
    case strokes
}

/// How the raw σ outputs of a mixture-density head become standard deviations.
public enum SigmaTransform: String, Sendable, CaseIterable {
    /// σ = exp(s): Graves 2013, sketch-rnn, Ha 2017.
    case exp
    /// σ = elu(s) + 1 + 1e-7: keras-mdn-layer (and therefore IMPSY). Grows linearly, so it
    /// cannot overflow; the one Baton trains with.
    case elu
}

/// The output layer after the LSTM stack and the layout of its output vector.
///
/// Legend: V symbols, K mixture components, D dimensions.
public enum OutputHead: Equatable, Sendable {
    /// Logits over V symbols.
    case categorical(symbols: Int)
    /// `[μ (K·D) | σ-pre (K·D) | π logits (K)]`, μ of one component contiguous (Bishop 1994).
    case mixtureDensity(dims: Int, mixtures: Int, sigma: SigmaTransform)
    /// `[μ (K·2) | σ-pre (K·2) | ρ-pre (K) | π logits (K) | pen logit (1)]`: K bivariate
    /// Gaussians over (dx, dy) with ρ = tanh(ρ-pre), σ = exp(σ-pre), and the probability
    /// that the pen lifts after this point (Graves 2013; Ha 2017).
    case strokes(mixtures: Int)

    /// Width of the head's output vector.
    public var outputSize: Int {
        switch self {
        case .categorical(let v): v
        case .mixtureDensity(let d, let k, _): 2 * k * d + k
        case .strokes(let k): 6 * k + 1
        }
    }
}

/// The architecture of a model: input, LSTM stack, head.
public struct ModelConfig: Equatable, Sendable {
    /// What the model reads and predicts.
    public var kind: ModelKind
    /// Width of one input: 256 for text (the UTF-8 byte vocabulary), D for control, 3 for strokes.
    public var inputSize: Int
    /// E when text input goes through a learned embedding `[256, E]`; nil for one-hot input.
    public var embedding: Int?
    /// L, the number of stacked LSTM layers.
    public var layers: Int
    /// H, the hidden units of every layer.
    public var units: Int
    /// The output layer and its layout.
    public var head: OutputHead

    /// Every text model shares this vocabulary (ARCHITECTURE.md, "Symbols").
    public static let byteVocabulary = 256

    /// An architecture; layers, units and input width must be at least 1.
    public init(kind: ModelKind, inputSize: Int, embedding: Int? = nil, layers: Int, units: Int, head: OutputHead) {
        precondition(layers >= 1 && units >= 1 && inputSize >= 1, "model needs layers, units and input ≥ 1")
        self.kind = kind
        self.inputSize = inputSize
        self.embedding = embedding
        self.layers = layers
        self.units = units
        self.head = head
    }

    /// A character-level text model over UTF-8 bytes.
    public static func text(layers: Int, units: Int, embedding: Int? = nil) -> ModelConfig {
        ModelConfig(kind: .text, inputSize: byteVocabulary, embedding: embedding, layers: layers, units: units,
                    head: .categorical(symbols: byteVocabulary))
    }

    /// Text input is a one-hot byte: layer 0's input product is a column lookup.
    public var isOneHot: Bool { kind == .text && embedding == nil }

    /// Width of the vector entering LSTM layer `layer`.
    public func lstmInputSize(_ layer: Int) -> Int {
        layer > 0 ? units : (embedding ?? inputSize)
    }

    /// Number of trainable values.
    public var parameterCount: Int { ParameterLayout(self).count }
}
