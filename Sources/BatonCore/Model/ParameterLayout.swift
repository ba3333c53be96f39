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
    /// One named tensor's place in the flat buffer.
    public struct Slot: Equatable, Sendable {
        /// The PyTorch `state_dict` name, e.g. `lstm.weight_ih_l0`.
        public var name: String
        /// Its dimensions, outermost first.
        public var shape: [Int]
        /// Index of its first value in the buffer.
        public var offset: Int
        /// The number of values it holds.
        public var count: Int { shape.reduce(1, *) }
        /// Its indices in the buffer.
        public var range: Range<Int> { offset..<(offset + count) }
    }

    /// Gate blocks along the 4H axis, in storage order. Stated once; tests pin it.
    public enum Gate: Int, CaseIterable, Sendable {
        /// i, f, g and o, at block 0, 1, 2 and 3 of the 4H axis.
        case input = 0, forget = 1, candidate = 2, output = 3
    }

    /// Every tensor, in buffer order.
    public private(set) var slots: [Slot] = []
    /// The total number of parameters.
    public private(set) var count = 0

    /// The layout of the tensors `config` needs.
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

    /// The slot of a tensor the architecture has (a missing name is a programming error).
    public func slot(_ name: String) -> Slot {
        guard let slot = slots.first(where: { $0.name == name }) else {
            preconditionFailure("no parameter named \(name) in layout \(slots.map(\.name))")
        }
        return slot
    }

    /// The embedding table `[V, E]`, when the model has one.
    public var embedding: Slot? { slots.first { $0.name == "embed.weight" } }
    /// Input-to-hidden weights of a layer `[4H, I]`.
    public func weightIH(_ layer: Int) -> Slot { slot("lstm.weight_ih_l\(layer)") }
    /// Hidden-to-hidden weights of a layer `[4H, H]`.
    public func weightHH(_ layer: Int) -> Slot { slot("lstm.weight_hh_l\(layer)") }
    /// Input bias of a layer `[4H]`.
    public func biasIH(_ layer: Int) -> Slot { slot("lstm.bias_ih_l\(layer)") }
    /// Recurrent bias of a layer `[4H]`.
    public func biasHH(_ layer: Int) -> Slot { slot("lstm.bias_hh_l\(layer)") }
    /// The output layer's weights `[O, H]`.
    public var headWeight: Slot { slot("head.weight") }
    /// The output layer's bias `[O]`.
    public var headBias: Slot { slot("head.bias") }
}
