import BatonCore
import Foundation

extension TextEnsemble {
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
            joint.update(repeating: 0, count: count)
            for (i, logY) in logProbabilities.enumerated() {
                let w = SIMD8<Float>(repeating: weights[i])
                var j = 0
                while j + 8 <= count {
                    let y = VectorMath.exp(UnsafeRawPointer(logY + j).loadUnaligned(as: SIMD8<Float>.self))
                    let slot = UnsafeMutableRawPointer(joint + j)
                    slot.storeBytes(of: slot.loadUnaligned(as: SIMD8<Float>.self).addingProduct(w, y), as: SIMD8<Float>.self)
                    j += 8
                }
                while j < count { joint[j] += weights[i] * Foundation.exp(logY[j]); j += 1 }
            }
            Categorical.normalise(UnsafeMutableBufferPointer(start: joint, count: count))
        case .product:
            for j in 0..<count {
                var s: Float = 0
                for (i, logY) in logProbabilities.enumerated() { s += weights[i] * logY[j] }
                joint[j] = s
            }
            Softmax.softmax(UnsafeBufferPointer(start: joint, count: count), into: UnsafeMutableBufferPointer(start: joint, count: count))
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
