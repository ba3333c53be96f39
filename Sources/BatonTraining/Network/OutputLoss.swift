import BatonCore
import Foundation

/// The loss on the head's raw outputs: negative log-likelihood of the targets.
///
/// Legend: N positions, O head outputs.
protocol OutputLoss {
    /// Sum over positions of −log p(target) (weighted by `batch.weights`). When `gradients`
    /// is non-nil, sets it to `scale · ∂sum/∂outputs` `[N, O]`.
    func evaluate(outputs: UnsafePointer<Float>, batch: TrainingBatch, gradients: UnsafeMutablePointer<Float>?, scale: Float) -> Double
}

/// Softmax cross-entropy over V symbols, in log space: −log p(y) = logsumexp(z) − z_y;
/// ∂/∂z = softmax(z) − onehot(y).
struct SoftmaxCrossEntropy: OutputLoss {
    let symbols: Int

    func evaluate(outputs: UnsafePointer<Float>, batch: TrainingBatch, gradients: UnsafeMutablePointer<Float>?, scale: Float) -> Double {
        let v = symbols
        var total = 0.0
        batch.targetSymbols.withUnsafeBufferPointer { targets in
            for r in 0..<batch.positions {
                let z = outputs + r * v
                let weight = batch.weights?[r] ?? 1
                var maximum = -Float.infinity
                for j in 0..<v { maximum = max(maximum, z[j]) }
                let logNormaliser = maximum + Foundation.log(Self.sumOfExp(z, count: v, minus: maximum))
                let y = Int(targets[r])
                total += Double(weight) * Double(logNormaliser - z[y])
                if let gradients {
                    let d = gradients + r * v
                    Self.scaledExp(z, count: v, minus: logNormaliser, scale: scale * weight, into: d)
                    d[y] -= scale * weight
                }
            }
        }
        return total
    }

    /// Σ exp(z_j − m), eight lanes at a time.
    @inline(__always)
    static func sumOfExp(_ z: UnsafePointer<Float>, count: Int, minus m: Float) -> Float {
        var acc = SIMD8<Float>(), j = 0
        while j + 8 <= count {
            acc += VectorMath.exp(UnsafeRawPointer(z + j).loadUnaligned(as: SIMD8<Float>.self) - SIMD8(repeating: m))
            j += 8
        }
        var sum = acc.sum()
        while j < count { sum += VectorMath.exp(z[j] - m); j += 1 }
        return sum
    }

    /// d_j = s · exp(z_j − m), eight lanes at a time.
    @inline(__always)
    static func scaledExp(_ z: UnsafePointer<Float>, count: Int, minus m: Float, scale s: Float, into d: UnsafeMutablePointer<Float>) {
        var j = 0
        while j + 8 <= count {
            let e = VectorMath.exp(UnsafeRawPointer(z + j).loadUnaligned(as: SIMD8<Float>.self) - SIMD8(repeating: m))
            UnsafeMutableRawPointer(d + j).storeBytes(of: e * SIMD8(repeating: s), as: SIMD8<Float>.self)
            j += 8
        }
        while j < count { d[j] = s * VectorMath.exp(z[j] - m); j += 1 }
    }
}
