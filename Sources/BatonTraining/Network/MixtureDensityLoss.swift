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
        let d = dims, k = mixtures, o = 2 * k * d + k, kd = k * d
        var total = 0.0
        // Per-position scratch, reused: σ, dσ/ds and z for every (component, dimension).
        var logPi = [Double](repeating: 0, count: k), logJoint = logPi
        var sd = [Double](repeating: 0, count: kd), slope = sd, zs = sd
        batch.targetVectors.withUnsafeBufferPointer { targets in
            for r in 0..<batch.positions {
                let weight = Double(batch.weights?[r] ?? 1)
                let out = outputs + r * o, x = targets.baseAddress! + r * d
                if let gradients { (gradients + r * o).update(repeating: 0, count: o) }
                guard weight > 0 else { continue }
                var normaliser = LogSumExp()
                for m in 0..<k { normaliser.add(Double(out[2 * kd + m])) }
                let logNormaliser = normaliser.value
                var evidence = LogSumExp()
                for m in 0..<k {
                    logPi[m] = Double(out[2 * kd + m]) - logNormaliser
                    var logN = -0.5 * Double(d) * MixtureDensity.logTwoPi
                    for j in 0..<d {
                        let i = m * d + j
                        let s = Double(out[kd + i])
                        let logSigma: Double
                        switch sigma {
                        case .exp:
                            sd[i] = Foundation.exp(s); slope[i] = sd[i]; logSigma = s
                        case .elu:
                            if s > 0 { sd[i] = s + 1 + 1e-7; slope[i] = 1 } else { slope[i] = Foundation.exp(s); sd[i] = slope[i] + 1e-7 }
                            logSigma = Foundation.log(sd[i])
                        }
                        zs[i] = (Double(x[j]) - Double(out[i])) / sd[i]
                        logN -= 0.5 * zs[i] * zs[i] + logSigma
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
                    g[2 * kd + m] = Float(c * (Foundation.exp(logPi[m]) - gamma))
                    for j in 0..<d {
                        let i = m * d + j, z = zs[i]
                        g[i] = Float(c * -gamma * z / sd[i])
                        g[kd + i] = Float(c * gamma * (1 - z * z) / sd[i] * slope[i])
                    }
                }
            }
        }
        return total
    }
}
