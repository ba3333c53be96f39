import Foundation

/// Distributions over a finite set of symbols: softmax, log-softmax and sampling.
public enum Categorical {
    /// probabilities = softmax(logits / temperature), max subtracted first. Returns the
    /// log of the normaliser (of logits / temperature) for callers that need log-probabilities.
    @discardableResult
    public static func softmax(
        _ logits: UnsafeBufferPointer<Float>, temperature: Float = 1, into probabilities: UnsafeMutableBufferPointer<Float>
    ) -> Float {
        precondition(logits.count == probabilities.count && !logits.isEmpty, "softmax: \(logits.count) logits into \(probabilities.count)")
        precondition(temperature > 0, "softmax: temperature \(temperature) must be > 0")
        let inverse = 1 / temperature
        var maximum = -Float.infinity
        for v in logits { maximum = Swift.max(maximum, v) }
        var sum: Float = 0
        for i in 0..<logits.count {
            let e = Foundation.exp((logits[i] - maximum) * inverse)
            probabilities[i] = e
            sum += e
        }
        let scale = 1 / sum
        for i in 0..<logits.count { probabilities[i] *= scale }
        return maximum * inverse + Foundation.log(sum)
    }

    /// log softmax(logits)[index], computed in log space.
    public static func logProbability(_ logits: UnsafeBufferPointer<Float>, of index: Int) -> Double {
        var maximum = -Float.infinity
        for v in logits { maximum = Swift.max(maximum, v) }
        var sum = 0.0
        for v in logits { sum += Foundation.exp(Double(v - maximum)) }
        return Double(logits[index] - maximum) - Foundation.log(sum)
    }

    /// The index where the running sum of `weights` first exceeds `u · total`. When rounding
    /// runs past the end it returns the last index with non-zero weight, never an invalid one.
    @inline(__always)
    public static func sampleIndex(_ weights: UnsafeBufferPointer<Float>, uniform u: Float, total: Float = 1) -> Int {
        let target = u * total
        var running: Float = 0
        var last = 0
        for i in 0..<weights.count where weights[i] > 0 {
            running += weights[i]
            last = i
            if running > target { return i }
        }
        return last
    }
}

/// How to draw the next text symbol from a model's logits.
public struct SamplingOptions: Sendable, Equatable {
    /// Divides the logits: < 1 sharpens, > 1 flattens.
    public var temperature: Float
    /// Keep only the k most probable symbols (0 = all).
    public var topK: Int
    /// Keep the smallest set of most probable symbols whose mass reaches p (1 = all).
    public var topP: Float

    public init(temperature: Float = 1, topK: Int = 0, topP: Float = 1) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
    }
}

/// Turns logits into a sample under `SamplingOptions`, reusing its scratch buffers.
public final class SymbolSampler {
    public let probabilities: FloatBuffer
    private var order: [Int]

    public init(symbols: Int = ModelConfig.byteVocabulary) {
        probabilities = FloatBuffer(count: symbols)
        order = Array(0..<symbols)
    }

    /// The distribution after temperature, top-k and top-p (renormalised), in `probabilities`.
    public func distribution(_ logits: UnsafeBufferPointer<Float>, options: SamplingOptions) -> UnsafeBufferPointer<Float> {
        let probs = probabilities.buffer
        Categorical.softmax(logits, temperature: options.temperature, into: probs)
        let v = probs.count
        let k = options.topK > 0 ? Swift.min(options.topK, v) : v
        if k < v || options.topP < 1 {
            for i in 0..<v { order[i] = i }
            order.sort { probs[$0] > probs[$1] }
            var kept: Float = 0
            var keep = 0
            while keep < k {
                kept += probs[order[keep]]
                keep += 1
                if kept >= options.topP { break }
            }
            for rank in keep..<v { probs[order[rank]] = 0 }
            let scale = 1 / kept
            for i in 0..<v { probs[i] *= scale }
        }
        return UnsafeBufferPointer(probs)
    }

    public func sample(_ logits: UnsafeBufferPointer<Float>, options: SamplingOptions, using rng: inout SeededGenerator) -> Int {
        let probs = distribution(logits, options: options)
        return Categorical.sampleIndex(probs, uniform: rng.nextFloat())
    }
}
