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
/// ∂/∂z = softmax(z) − onehot(y). The SIMD kernels are `Softmax`'s; the naive twin is
/// `ProbabilityReference.crossEntropy`.
struct SoftmaxCrossEntropy: OutputLoss {
    let symbols: Int

    func evaluate(outputs: UnsafePointer<Float>, batch: TrainingBatch, gradients: UnsafeMutablePointer<Float>?, scale: Float) -> Double {
        let v = symbols
        var total = 0.0
        batch.targetSymbols.withUnsafeBufferPointer { targets in
            for r in 0..<batch.positions {
                let z = outputs + r * v
                let weight = batch.weights?[r] ?? 1
                let logNormaliser = Softmax.logSumExp(z, count: v)
                let y = Int(targets[r])
                total += Double(weight) * Double(logNormaliser - z[y])
                if let gradients {
                    let d = gradients + r * v
                    Softmax.scaledExp(z, count: v, minus: logNormaliser, scale: scale * weight, into: d)
                    d[y] -= scale * weight
                }
            }
        }
        return total
    }
}
