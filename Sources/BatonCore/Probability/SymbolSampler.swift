/// Turns logits into a sample under `SamplingOptions`, reusing its scratch buffers (no
/// allocation per symbol). The order is fixed: softmax at the temperature, then the UTF-8
/// grammar (when given), then top-k/top-p among the bytes the grammar allows.
public final class SymbolSampler {
    /// The last distribution computed, reused between calls.
    public let probabilities: FloatBuffer
    private let truncation: Truncation

    /// A sampler over `symbols` outcomes (256 bytes for text).
    public init(symbols: Int = ModelConfig.byteVocabulary) {
        probabilities = FloatBuffer(count: symbols)
        truncation = Truncation(capacity: symbols)
    }

    /// The distribution after temperature, grammar, top-k and top-p (renormalised), in
    /// `probabilities`; valid until the next call.
    public func distribution(_ logits: UnsafeBufferPointer<Float>, options: SamplingOptions, grammar: UTF8Grammar? = nil) -> UnsafeBufferPointer<Float> {
        let probs = probabilities.buffer
        Softmax.softmax(logits, temperature: options.temperature, into: probs)
        grammar?.constrain(probs)
        truncation.apply(probs, topK: options.topK, topP: options.topP)
        return UnsafeBufferPointer(probs)
    }

    /// Draws a symbol index from `distribution(_:options:grammar:)` with `rng`.
    public func sample(_ logits: UnsafeBufferPointer<Float>, options: SamplingOptions, grammar: UTF8Grammar? = nil,
                       using rng: inout SeededGenerator) -> Int {
        Categorical.sampleIndex(distribution(logits, options: options, grammar: grammar), uniform: rng.nextFloat())
    }
}
