import BatonCore
import Foundation

/// Negative log-likelihood of stroke-3 targets (dx, dy, pen) under the stroke head
/// (layout in `StrokeMixture`): bivariate mixture for the offset plus Bernoulli pen state.
///
/// Per component, with ω = 1 − ρ², z = (x − μ)/σ, Z = z₁² + z₂² − 2ρz₁z₂ and γ the
/// responsibility (Graves 2013, eqs. 24–26, in log-σ and pre-tanh ρ coordinates):
///   ∂log N/∂μ₁ = (z₁ − ρz₂)/(σ₁ω)      ∂log N/∂s₁ = z₁(z₁ − ρz₂)/ω − 1
///   ∂log N/∂r  = ρ + z₁z₂ − ρZ/ω       (r = atanh ρ, since ∂ρ/∂r = ω)
/// and ∂(−log p)/∂θ_m = −γ_m ∂log N_m/∂θ_m, ∂/∂logit_m = π_m − γ_m, ∂/∂pen = σ(pen) − lifted.
struct StrokeLoss: OutputLoss {
    let mixtures: Int

    func evaluate(outputs: UnsafePointer<Float>, batch: TrainingBatch, gradients: UnsafeMutablePointer<Float>?, scale: Float) -> Double {
        let k = mixtures, o = 6 * k + 1, l = StrokeMixture.Layout(mixtures: k)
        var total = 0.0
        var logPi = [Double](repeating: 0, count: k), logJoint = [Double](repeating: 0, count: k)
        batch.targetVectors.withUnsafeBufferPointer { targets in
            for r in 0..<batch.positions {
                let weight = Double(batch.weights?[r] ?? 1)
                let out = outputs + r * o, point = targets.baseAddress! + r * 3
                if let gradients { (gradients + r * o).update(repeating: 0, count: o) }
                guard weight > 0 else { continue }
                let x = Double(point[0]), y = Double(point[1]), lifted = point[2] >= 0.5
                var normaliser = LogSumExp()
                for m in 0..<k { normaliser.add(Double(out[l.logits + m])) }
                var evidence = LogSumExp()
                for m in 0..<k {
                    logPi[m] = Double(out[l.logits + m]) - normaliser.value
                    logJoint[m] = logPi[m] + StrokeMixture.logBivariate(
                        x: x, y: y, muX: Double(out[l.mu + 2 * m]), muY: Double(out[l.mu + 2 * m + 1]),
                        logSigmaX: Double(out[l.sigma + 2 * m]), logSigmaY: Double(out[l.sigma + 2 * m + 1]),
                        rho: Foundation.tanh(Double(out[l.rho + m])))
                    evidence.add(logJoint[m])
                }
                let penLogit = Double(out[l.pen])
                let logP = evidence.value + StrokeMixture.logBernoulli(logit: penLogit, lifted: lifted)
                total -= weight * logP
                guard let gradients else { continue }
                let g = gradients + r * o, c = Double(scale) * weight
                for m in 0..<k {
                    let gamma = Foundation.exp(logJoint[m] - evidence.value)
                    g[l.logits + m] = Float(c * (Foundation.exp(logPi[m]) - gamma))
                    let s1 = Double(out[l.sigma + 2 * m]), s2 = Double(out[l.sigma + 2 * m + 1])
                    let sx = Foundation.exp(s1), sy = Foundation.exp(s2)
                    let rho = Foundation.tanh(Double(out[l.rho + m]))
                    let omega = max(1 - rho * rho, 1e-6)
                    let z1 = (x - Double(out[l.mu + 2 * m])) / sx, z2 = (y - Double(out[l.mu + 2 * m + 1])) / sy
                    let q = z1 * z1 + z2 * z2 - 2 * rho * z1 * z2
                    g[l.mu + 2 * m] = Float(c * -gamma * (z1 - rho * z2) / (sx * omega))
                    g[l.mu + 2 * m + 1] = Float(c * -gamma * (z2 - rho * z1) / (sy * omega))
                    g[l.sigma + 2 * m] = Float(c * -gamma * (z1 * (z1 - rho * z2) / omega - 1))
                    g[l.sigma + 2 * m + 1] = Float(c * -gamma * (z2 * (z2 - rho * z1) / omega - 1))
                    g[l.rho + m] = Float(c * -gamma * (rho + z1 * z2 - rho * q / omega))
                }
                g[l.pen] = Float(c * (1 / (1 + Foundation.exp(-penLogit)) - (lifted ? 1 : 0)))
            }
        }
        return total
    }
}
