/// Where each named tensor lives in a model's one flat parameter buffer.
///
/// Parameters, gradients and optimiser moments all use this layout, so an optimiser is
/// one loop over a flat array. Names and shapes are PyTorch's `state_dict` names for
/// `Embedding → LSTM(batch_first) → Linear` (legend: V vocabulary, E embedding, I layer
/// input, H units, O head outputs):
///
/// - `embed.weight` `[V, E]` (only with an embedding)
/// - `lstm.weight_ih_l{k}` `[4H, I]`, `lstm.weight_hh_l{k}` `[4H, H]`,
///   `lstm.bias_ih_l{k}` `[4H]`, `lstm.bias_hh_l{k}` `[4H]`, gates in the order
///   **i, f, g, o** (input, forget, candidate, output) along the 4H axis
/// - `head.weight` `[O, H]`, `head.bias` `[O]`
public struct ParameterLayout: Equatable, Sendable {
    public struct Slot: Equatable, Sendable {
        public var name: String
        public var shape: [Int]
        public var offset: Int
        public var count: Int { shape.reduce(1, *) }
        public var range: Range<Int> { offset..<(offset + count) }
    }

    /// Gate blocks along the 4H axis, in storage order. Stated once; tests pin it.
    public enum Gate: Int, CaseIterable, Sendable {
        case input = 0, forget = 1, candidate = 2, output = 3
    }

    public private(set) var slots: [Slot] = []
    public private(set) var count = 0

    public init(_ config: ModelConfig) {
        let h = config.units
        if let e = config.embedding { append("embed.weight", [config.inputSize, e]) }
        for k in 0..<config.layers {
            append("lstm.weight_ih_l\(k)", [4 * h, config.lstmInputSize(k)])
            append("lstm.weight_hh_l\(k)", [4 * h, h])
            append("lstm.bias_ih_l\(k)", [4 * h])
            append("lstm.bias_hh_l\(k)", [4 * h])
        }
        append("head.weight", [config.head.outputSize, h])
        append("head.bias", [config.head.outputSize])
    }

    private mutating func append(_ name: String, _ shape: [Int]) {
        let slot = Slot(name: name, shape: shape, offset: count)
        slots.append(slot)
        count += slot.count
    }

    public func slot(_ name: String) -> Slot {
        guard let slot = slots.first(where: { $0.name == name }) else {
            preconditionFailure("no parameter named \(name) in layout \(slots.map(\.name))")
        }
        return slot
    }

    public var embedding: Slot? { slots.first { $0.name == "embed.weight" } }
    public func weightIH(_ layer: Int) -> Slot { slot("lstm.weight_ih_l\(layer)") }
    public func weightHH(_ layer: Int) -> Slot { slot("lstm.weight_hh_l\(layer)") }
    public func biasIH(_ layer: Int) -> Slot { slot("lstm.bias_ih_l\(layer)") }
    public func biasHH(_ layer: Int) -> Slot { slot("lstm.bias_hh_l\(layer)") }
    public var headWeight: Slot { slot("head.weight") }
    public var headBias: Slot { slot("head.bias") }
}
