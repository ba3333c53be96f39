import BatonCore
import Foundation

extension TextEnsemble {
    /// log softmax(logits / τ) into `out`, max subtracted first.
    static func logSoftmax(_ logits: UnsafeBufferPointer<Float>, temperature: Float, into out: UnsafeMutablePointer<Float>) {
        let inverse = 1 / max(temperature, 1e-4)
        var maximum = -Float.infinity
        for v in logits { maximum = max(maximum, v) }
        var sum: Float = 0
        for v in logits { sum += Foundation.exp((v - maximum) * inverse) }
        let logSum = Foundation.log(sum)
        for j in 0..<logits.count { out[j] = (logits[j] - maximum) * inverse - logSum }
    }

    /// Pools the active members' current distributions into `joint` (probabilities).
    func pool(_ active: [Int], weights: [Float], pooling: Pooling, into joint: UnsafeMutablePointer<Float>) {
        Self.pool(active.map { UnsafePointer(logProbabilities[$0].pointer) }, weights: weights, pooling: pooling,
                  count: Self.vocabulary, into: joint)
    }

    /// Linear: ρ = Σ πᵢ yᵢ / |Σ πᵢ yᵢ|₁. Product: log ρ = Σ πᵢ log yᵢ − log Z.
    /// `logProbabilities[i]` are log yᵢ; weights sum to 1.
    public static func pool(_ logProbabilities: [UnsafePointer<Float>], weights: [Float], pooling: Pooling, count: Int,
                            into joint: UnsafeMutablePointer<Float>) {
        precondition(logProbabilities.count == weights.count && !weights.isEmpty, "pool: \(logProbabilities.count) members, \(weights.count) weights")
        switch pooling {
        case .linear:
            var total: Float = 0
            for j in 0..<count {
                var p: Float = 0
                for (i, logY) in logProbabilities.enumerated() { p += weights[i] * Foundation.exp(logY[j]) }
                joint[j] = p
                total += p
            }
            let scale = total > 0 ? 1 / total : 0
            for j in 0..<count { joint[j] *= scale }
        case .product:
            var maximum = -Float.infinity
            for j in 0..<count {
                var s: Float = 0
                for (i, logY) in logProbabilities.enumerated() { s += weights[i] * logY[j] }
                joint[j] = s
                maximum = max(maximum, s)
            }
            var total: Float = 0
            for j in 0..<count {
                joint[j] = Foundation.exp(joint[j] - maximum)
                total += joint[j]
            }
            for j in 0..<count { joint[j] /= total }
        }
    }

    /// Each member's share of byte c: πᵢ yᵢ(c) / Σⱼ πⱼ yⱼ(c), 0 for members not in `active`.
    /// Sums to 1 over the active members.
    public static func attribution(byte c: Int, active: [Int], weights: [Float], memberCount: Int,
                                   probability: (Int, Int) -> Double) -> [Float] {
        var shares = [Float](repeating: 0, count: memberCount)
        var total = 0.0
        var parts = [Double](repeating: 0, count: active.count)
        for (k, i) in active.enumerated() {
            parts[k] = Double(weights[k]) * probability(i, c)
            total += parts[k]
        }
        for (k, i) in active.enumerated() { shares[i] = Float(total > 0 ? parts[k] / total : Double(weights[k])) }
        return shares
    }
}
