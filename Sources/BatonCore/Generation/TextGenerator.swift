/// One text model generating bytes: feed a prime, then draw one symbol at a time and feed
/// it back. Allocation-free per symbol.
public final class TextGenerator {
    /// The model's stepper; its state is the generator's.
    public let stepper: Stepper
    /// Temperature, top-k and top-p for the next draws.
    public var options: SamplingOptions
    /// The generator every draw comes from.
    public var rng: SeededGenerator
    private let sampler = SymbolSampler()
    private var primed = false
    /// Keeps the output well-formed UTF-8 (see `UTF8Grammar`).
    public private(set) var grammar = UTF8Grammar()

    /// The symbol fed when no prime is given: a newline, as at the start of a line of text.
    public static let defaultPrime: [UInt8] = [0x0A]

    /// A generator for a text model, reproducible from `seed`.
    public init(model: Model, precision: WeightPrecision = .float32, options: SamplingOptions = SamplingOptions(), seed: UInt64) {
        precondition(model.config.kind == .text, "TextGenerator needs a text model, got \(model.config.kind)")
        stepper = Stepper(model: model, precision: precision)
        self.options = options
        rng = SeededGenerator(seed: seed)
    }

    /// Resets the state and feeds `bytes` (or the default prime when empty).
    public func prime(_ bytes: [UInt8]) {
        stepper.reset()
        grammar = UTF8Grammar()
        for byte in bytes.isEmpty ? Self.defaultPrime : bytes {
            stepper.step(symbol: Int(byte))
            grammar.advance(byte)
        }
        primed = true
    }

    /// Draws the next byte from the current distribution and feeds it back.
    public func next() -> UInt8 {
        if !primed { prime([]) }
        let symbol = sampler.sample(stepper.output, options: options, grammar: grammar, using: &rng)
        stepper.step(symbol: symbol)
        grammar.advance(UInt8(symbol))
        return UInt8(symbol)
    }
}
