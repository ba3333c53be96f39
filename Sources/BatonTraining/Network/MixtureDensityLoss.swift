import BatonCore
import Foundation

/// Negative log-likelihood of D-dimensional targets under a diagonal Gaussian mixture
/// head (layout in `MixtureDensity`; densities from `Mixture` and `Gaussian`), with its
/// gradient.
///
/// With responsibilities γ_m = π_m N_m(x) / p(x) and z = (x − μ)/σ:
///   ∂(−log p)/∂logit_m = π_m − γ_m
///   ∂(−log p)/∂μ_mj    = −γ_m z_mj / σ_mj
///   ∂(−log p)/∂s_mj    = γ_m (1 − z_mj²) · d log σ_mj / ds through the σ transform.
struct MixtureDensityLoss: OutputLoss {
    let dims: Int, mixtures: Int, sigma: SigmaTransform

    func evaluate(outputs: UnsafePointer<Float>, batch: TrainingBatch, gradients: UnsafeMutablePointer<Float>?, scale: Float) -> Double {
        let d = dims, k = mixtures, o = 2 * k * d + k, kd = k * d, transform = sigma
        var total = 0.0
        // Per-position scratch, reused: log π, log π + log N, and z and σ of every (component, dimension).
        var logPi = [Double](repeating: 0, count: k), logJoint = logPi
        var terms = [Gaussian.Term](repeating: .unit, count: kd)
        batch.targetVectors.withUnsafeBufferPointer { targets in
            for r in 0..<batch.positions {
                let weight = Double(batch.weights?[r] ?? 1)
                let out = outputs + r * o, x = targets.baseAddress! + r * d
                if let gradients { (gradients + r * o).update(repeating: 0, count: o) }
                guard weight > 0 else { continue }
                let logP = terms.withUnsafeMutableBufferPointer { t in
                    Mixture.logLikelihood(logits: out + 2 * kd, count: k, logWeights: &logPi, logJoint: &logJoint) { m in
                        Gaussian.logDensity(x: x, mean: out + m * d, sigmaPre: out + kd + m * d, dims: d, transform: transform,
                                            terms: t.baseAddress! + m * d)
                    }
                }
                total -= weight * logP
                guard let gradients else { continue }
                let g = gradients + r * o, c = Double(scale) * weight
                for m in 0..<k {
                    let gamma = Foundation.exp(logJoint[m] - logP)
                    g[2 * kd + m] = Float(c * (Foundation.exp(logPi[m]) - gamma))
                    // A component with no responsibility moves nothing (and z may be infinite there).
                    guard gamma > 0 else { continue }
                    for j in 0..<d {
                        let i = m * d + j, z = terms[i].z
                        g[i] = Float(c * -gamma * z * terms[i].sigma.inverse)
                        g[kd + i] = Float(c * gamma * (1 - z * z) * terms[i].sigma.logSlope)
                    }
                }
            }
        }
        return total
    }
}
