import BatonCore
import Foundation

/// Negative log-likelihood of stroke-3 targets (dx, dy, pen) under the stroke head
/// (layout in `StrokeMixture`; components are `BivariateGaussian`s): bivariate mixture for
/// the offset plus Bernoulli pen state.
///
/// Per component, with ω = 1 − ρ², z = (x − μ)/σ, Z = z₁² + z₂² − 2ρz₁z₂ and γ the
/// responsibility (Graves 2013, eqs. 24–26, in log-σ and pre-tanh ρ coordinates):
///   ∂log N/∂μ₁ = (z₁ − ρz₂)/(σ₁ω)      ∂log N/∂s₁ = z₁(z₁ − ρz₂)/ω − 1
///   ∂log N/∂r  = ρ + z₁z₂ − ρZ/ω       (r = atanh ρ, since ∂ρ/∂r = ω; 0 where ρ is bounded)
/// and ∂(−log p)/∂θ_m = −γ_m ∂log N_m/∂θ_m, ∂/∂logit_m = π_m − γ_m, ∂/∂pen = σ(pen) − lifted.
struct StrokeLoss: OutputLoss {
    let mixtures: Int

    func evaluate(outputs: UnsafePointer<Float>, batch: TrainingBatch, gradients: UnsafeMutablePointer<Float>?, scale: Float) -> Double {
        let k = mixtures, l = StrokeMixture.Layout(mixtures: k), o = l.outputSize
        var total = 0.0
        var logPi = [Double](repeating: 0, count: k), logJoint = [Double](repeating: 0, count: k)
        batch.targetVectors.withUnsafeBufferPointer { targets in
            for r in 0..<batch.positions {
                let weight = Double(batch.weights?[r] ?? 1)
                let out = outputs + r * o, point = targets.baseAddress! + r * 3
                if let gradients { (gradients + r * o).update(repeating: 0, count: o) }
                guard weight > 0 else { continue }
                let x = Double(point[0]), y = Double(point[1]), lifted = point[2] >= 0.5
                let logOffset = Mixture.logLikelihood(logits: out + l.logits, count: k, logWeights: &logPi, logJoint: &logJoint) { m in
                    BivariateGaussian(out, component: m, layout: l).logDensity(x: x, y: y)
                }
                let penLogit = Double(out[l.pen])
                total -= weight * (logOffset + StrokeMixture.logBernoulli(logit: penLogit, lifted: lifted))
                guard let gradients else { continue }
                let g = gradients + r * o, c = Double(scale) * weight
                for m in 0..<k {
                    let gamma = Foundation.exp(logJoint[m] - logOffset)
                    g[l.logits + m] = Float(c * (Foundation.exp(logPi[m]) - gamma))
                    guard gamma > 0 else { continue }
                    let n = BivariateGaussian(out, component: m, layout: l)
                    let rho = n.rho, omega = n.omega
                    let (z1, z2) = n.standardised(x: x, y: y)
                    let q = z1 * z1 + z2 * z2 - 2 * rho * z1 * z2
                    g[l.mu + 2 * m] = Float(c * -gamma * (z1 - rho * z2) * n.inverseSigmaX / omega)
                    g[l.mu + 2 * m + 1] = Float(c * -gamma * (z2 - rho * z1) * n.inverseSigmaY / omega)
                    g[l.sigma + 2 * m] = Float(c * -gamma * (z1 * (z1 - rho * z2) / omega - 1))
                    g[l.sigma + 2 * m + 1] = Float(c * -gamma * (z2 * (z2 - rho * z1) / omega - 1))
                    g[l.rho + m] = n.rhoIsBounded ? 0 : Float(c * -gamma * (rho + z1 * z2 - rho * q / omega))
                }
                g[l.pen] = Float(c * (StrokeMixture.liftProbability(logit: out[l.pen], piTemperature: 1) - (lifted ? 1 : 0)))
            }
        }
        return total
    }
}
