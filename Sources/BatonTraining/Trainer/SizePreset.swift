import BatonCore

/// Named model sizes. Text sizes span the original RNN-ensemble work (Akten & Grierson
/// 2016: one layer of 256 up to three of 512); control and stroke sizes follow IMPS
/// (Martin & Torresen 2019). Each size carries the training recipe that suits it on
/// corpora of about a megabyte (`defaultOptions`; the measurements behind every value
/// are in docs/decisions.md).
public struct SizePreset: Sendable, Equatable {
    public var name: String
    public var layers: Int
    public var units: Int
    /// Dropout between layers and before the head.
    public var dropout: Float
    /// Text: the learned embedding's width E (nil: one-hot input).
    public var embedding: Int?
    /// One dropout mask per row and window (variational) instead of per position.
    public var lockedDropout = false
    /// DropConnect on W_hh.
    public var weightDrop: Float = 0
    /// Text: whole symbols dropped from the input (embedding dropout).
    public var symbolDropout: Float = 0
    /// Decoupled weight decay (AdamW).
    public var weightDecay: Float = 0
    /// Decay of the weight average the model file keeps (0: the last weights).
    public var averaging: Double = 0

    public init(name: String, layers: Int, units: Int, dropout: Float, embedding: Int? = nil, lockedDropout: Bool = false,
                weightDrop: Float = 0, symbolDropout: Float = 0, weightDecay: Float = 0, averaging: Double = 0) {
        self.name = name
        self.layers = layers
        self.units = units
        self.dropout = dropout
        self.embedding = embedding
        self.lockedDropout = lockedDropout
        self.weightDrop = weightDrop
        self.symbolDropout = symbolDropout
        self.weightDecay = weightDecay
        self.averaging = averaging
    }

    public static let text: [SizePreset] = [
        // A learned 256-wide byte embedding at every size: it learns far faster than one-hot
        // input early on and costs nothing at run time (docs/decisions.md, "Text input").
        SizePreset(name: "s", layers: 1, units: 256, dropout: 0, embedding: 256),
        SizePreset(name: "m", layers: 2, units: 256, dropout: 0.1, embedding: 256),
        SizePreset(name: "l", layers: 2, units: 512, dropout: 0.2, embedding: 256),
        SizePreset(name: "xl", layers: 3, units: 512, dropout: 0.25, embedding: 256),
    ]

    public static let continuous: [SizePreset] = [
        SizePreset(name: "xs", layers: 2, units: 32, dropout: 0),
        SizePreset(name: "s", layers: 2, units: 64, dropout: 0),
        SizePreset(name: "m", layers: 2, units: 128, dropout: 0.1),
        SizePreset(name: "l", layers: 2, units: 256, dropout: 0.1),
        SizePreset(name: "xl", layers: 3, units: 512, dropout: 0.2),
    ]

    public static func presets(for kind: ModelKind) -> [SizePreset] {
        kind == .text ? text : continuous
    }

    public static func named(_ name: String, for kind: ModelKind) throws(SizeError) -> SizePreset {
        guard let preset = presets(for: kind).first(where: { $0.name == name.lowercased() }) else {
            throw SizeError(name: name, kind: kind)
        }
        return preset
    }

    /// The model a fresh text run of this size trains.
    public var textConfig: ModelConfig { .text(layers: layers, units: units, embedding: embedding) }

    /// The options `baton train` starts from for this size, before its flags: the
    /// regularisation above, Adam at 2e-3, and a cosine schedule over the budget when
    /// there is one (`budgeted`), halving on plateaus otherwise.
    public func defaultOptions(budgeted: Bool) -> TrainingOptions {
        var o = TrainingOptions()
        o.schedule = budgeted ? .cosine : .plateau
        o.dropout = dropout
        o.lockedDropout = lockedDropout
        o.weightDrop = weightDrop
        o.symbolDropout = symbolDropout
        o.weightDecay = weightDecay
        o.averaging = averaging
        return o
    }
}

public struct SizeError: UserFacingError, Equatable {
    public var name: String
    public var kind: ModelKind
    public var message: String { "unknown \(kind.rawValue) model size '\(name)'" }
    public var hint: String {
        "choose one of " + SizePreset.presets(for: kind).map(\.name).joined(separator: ", ") + " (see `baton train --help`)"
    }
}
