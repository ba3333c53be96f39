import BatonCore
import Foundation

/// Negative log-likelihood of D-dimensional targets under a diagonal Gaussian mixture
/// head (layout in `MixtureDensity`), with its gradient.
///
/// With responsibilities γ_m = π_m N_m(x) / p(x) and z = (x − μ)/σ:
///   ∂(−log p)/∂logit_m = π_m − γ_m
///   ∂(−log p)/∂μ_mj    = −γ_m z_mj / σ_mj
///   ∂(−log p)/∂σ_mj    = γ_m (1 − z_mj²) / σ_mj, then × dσ/ds through the σ transform.
struct MixtureDensityLoss: OutputLoss {
    let dims: Int, mixtures: Int, sigma: SigmaTransform

    func evaluate(outputs: UnsafePointer<Float>, batch: TrainingBatch, gradients: UnsafeMutablePointer<Float>?, scale: Float) -> Double {
        let d = dims, k = mixtures, o = 2 * k * d + k
        var total = 0.0
        var logPi = [Double](repeating: 0, count: k), logJoint = [Double](repeating: 0, count: k)
        batch.targetVectors.withUnsafeBufferPointer { targets in
            for r in 0..<batch.positions {
                let weight = Double(batch.weights?[r] ?? 1)
                let out = outputs + r * o, x = targets.baseAddress! + r * d
                if let gradients { (gradients + r * o).update(repeating: 0, count: o) }
                guard weight > 0 else { continue }
                var normaliser = LogSumExp()
                for m in 0..<k { normaliser.add(Double(out[2 * k * d + m])) }
                var evidence = LogSumExp()
                for m in 0..<k {
                    logPi[m] = Double(out[2 * k * d + m]) - normaliser.value
                    var logN = 0.0
                    for j in 0..<d {
                        let s = Double(out[k * d + m * d + j])
                        let z = (Double(x[j]) - Double(out[m * d + j])) / MixtureDensity.sigma(s, sigma)
                        logN += -0.5 * z * z - MixtureDensity.logSigma(s, sigma) - 0.5 * MixtureDensity.logTwoPi
                    }
                    logJoint[m] = logPi[m] + logN
                    evidence.add(logJoint[m])
                }
                let logP = evidence.value
                total -= weight * logP
                guard let gradients else { continue }
                let g = gradients + r * o, c = Double(scale) * weight
                for m in 0..<k {
                    let gamma = Foundation.exp(logJoint[m] - logP)
                    g[2 * k * d + m] = Float(c * (Foundation.exp(logPi[m]) - gamma))
                    for j in 0..<d {
                        let s = Double(out[k * d + m * d + j])
                        let sd = MixtureDensity.sigma(s, sigma)
                        let z = (Double(x[j]) - Double(out[m * d + j])) / sd
                        g[m * d + j] = Float(c * -gamma * z / sd)
                        g[k * d + m * d + j] = Float(c * gamma * (1 - z * z) / sd * MixtureDensity.sigmaDerivative(s, sigma))
                    }
                }
            }
        }
        return total
    }
}
