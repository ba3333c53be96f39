import Foundation

/// What every mixture likelihood shares: weights π = softmax(logits) and
/// log p(x) = log Σ_m π_m p_m(x), computed in log space (log-softmax of the logits in
/// Double, log-sum-exp over components).
public enum Mixture {
    /// log Σ_m π_m p_m(x) for `count` components, `componentLogDensity(m)` = log p_m(x).
    /// When given, writes log π_m into `logWeights` and log π_m + log p_m(x) into
    /// `logJoint` (a loss's responsibilities are γ_m = exp(logJoint[m] − result)).
    @inline(__always)
    public static func logLikelihood(
        logits: UnsafePointer<Float>, count k: Int, logWeights: UnsafeMutablePointer<Double>? = nil,
        logJoint: UnsafeMutablePointer<Double>? = nil, componentLogDensity: (Int) -> Double
    ) -> Double {
        var normaliser = LogSumExp()
        for m in 0..<k { normaliser.add(Double(logits[m])) }
        let logNormaliser = normaliser.value
        var total = LogSumExp()
        for m in 0..<k {
            let logWeight = Double(logits[m]) - logNormaliser
            let joint = logWeight + componentLogDensity(m)
            logWeights?[m] = logWeight
            logJoint?[m] = joint
            total.add(joint)
        }
        return total.value
    }
}
