import Foundation

/// Distributions over a finite set (symbols, mixture components): sampling and
/// log-probabilities. The softmax itself is in `Softmax`.
public enum Categorical {
    /// The index where the running sum of `weights` first exceeds `u · total`. When rounding
    /// runs past the end it returns the last index with non-zero weight, never an invalid
    /// one (0 when no weight is positive).
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

    /// Draws an index from softmax(logits / τ) (τ clamped by `Temperature`). No heap
    /// allocation: the probabilities live on the stack for the call.
    public static func sampleComponent(_ logits: UnsafePointer<Float>, count: Int, temperature: Float, using rng: inout SeededGenerator) -> Int {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: count) { probabilities in
            Softmax.softmax(UnsafeBufferPointer(start: logits, count: count), temperature: temperature, into: probabilities)
            return sampleIndex(UnsafeBufferPointer(probabilities), uniform: rng.nextFloat())
        }
    }

    /// log softmax(logits)[index], in Double (evaluation sums many of these).
    public static func logProbability(_ logits: UnsafeBufferPointer<Float>, of index: Int) -> Double {
        var normaliser = LogSumExp()
        for v in logits { normaliser.add(Double(v)) }
        return Double(logits[index]) - normaliser.value
    }

    /// Scales non-negative `weights` to sum 1 and returns their total before scaling (left
    /// as they are when the total is 0 or not finite, for the caller to handle).
    @discardableResult
    public static func normalise(_ weights: UnsafeMutableBufferPointer<Float>) -> Float {
        var total: Float = 0
        for w in weights { total += w }
        guard total > 0, total.isFinite else { return total }
        let scale = 1 / total
        for i in weights.indices { weights[i] *= scale }
        return total
    }
}
