import Foundation

/// Pen-stroke distributions from a stroke head (Graves 2013 §4; sketch-rnn; Ha 2017): K
/// bivariate Gaussians over (dx, dy) with correlation ρ = tanh(·), σ = exp(·), plus a
/// Bernoulli pen state "lifted after this point".
///
/// Head output layout: `[μ (K·2) | σ-pre (K·2) | ρ-pre (K) | π logits (K) | pen logit (1)]`,
/// component k's (μx, μy) at `2k, 2k+1`.
public enum StrokeMixture {
    /// Offsets of each block in the output vector.
    public struct Layout: Sendable {
        public let mixtures: Int
        public init(mixtures: Int) { self.mixtures = mixtures }
        public var mu: Int { 0 }
        public var sigma: Int { 2 * mixtures }
        public var rho: Int { 4 * mixtures }
        public var logits: Int { 5 * mixtures }
        public var pen: Int { 6 * mixtures }
    }

    /// log N((x, y); μ, σ, ρ) for one component.
    @inline(__always)
    public static func logBivariate(x: Double, y: Double, muX: Double, muY: Double, logSigmaX: Double, logSigmaY: Double, rho: Double) -> Double {
        let zx = (x - muX) * Foundation.exp(-logSigmaX), zy = (y - muY) * Foundation.exp(-logSigmaY)
        let omega = max(1 - rho * rho, 1e-6)
        let q = zx * zx + zy * zy - 2 * rho * zx * zy
        return -MixtureDensity.logTwoPi - logSigmaX - logSigmaY - 0.5 * Foundation.log(omega) - q / (2 * omega)
    }

    /// log p(dx, dy, pen) in model units: the mixture density of the offset plus the
    /// Bernoulli log-probability of the pen state (pen ≥ 0.5 means lifted).
    public static func logLikelihood(_ output: UnsafePointer<Float>, point: UnsafePointer<Float>, mixtures k: Int) -> Double {
        let l = Layout(mixtures: k)
        let x = Double(point[0]), y = Double(point[1])
        var normaliser = LogSumExp()
        for m in 0..<k { normaliser.add(Double(output[l.logits + m])) }
        let logNormaliser = normaliser.value
        var total = LogSumExp()
        for m in 0..<k {
            total.add(Double(output[l.logits + m]) - logNormaliser + logBivariate(
                x: x, y: y, muX: Double(output[l.mu + 2 * m]), muY: Double(output[l.mu + 2 * m + 1]),
                logSigmaX: Double(output[l.sigma + 2 * m]), logSigmaY: Double(output[l.sigma + 2 * m + 1]),
                rho: Foundation.tanh(Double(output[l.rho + m]))))
        }
        return total.value + logBernoulli(logit: Double(output[l.pen]), lifted: point[2] >= 0.5)
    }

    /// log σ(z) or log(1 − σ(z)), stable for large |z|.
    @inline(__always)
    public static func logBernoulli(logit z: Double, lifted: Bool) -> Double {
        let softplus = z > 0 ? z + Foundation.log1p(Foundation.exp(-z)) : Foundation.log1p(Foundation.exp(z))
        return lifted ? z - softplus : -softplus
    }

    /// Draws (dx, dy, pen) in model units. Component by softmax(π logits / τπ); the offset
    /// from the bivariate normal with variances scaled by τσ; the pen from σ(logit / τπ).
    public static func sample(
        _ output: UnsafePointer<Float>, mixtures k: Int, piTemperature: Float, sigmaTemperature: Float,
        using rng: inout SeededGenerator, into point: UnsafeMutablePointer<Float>
    ) {
        let m = MixtureDensity.sampleComponent(output + Layout(mixtures: k).logits, count: k, temperature: piTemperature, using: &rng)
        sample(output, component: m, mixtures: k, piTemperature: piTemperature, sigmaTemperature: sigmaTemperature, using: &rng, into: point)
    }

    /// Draws (dx, dy, pen) in model units from component `m`.
    public static func sample(
        _ output: UnsafePointer<Float>, component m: Int, mixtures k: Int, piTemperature: Float, sigmaTemperature: Float,
        using rng: inout SeededGenerator, into point: UnsafeMutablePointer<Float>
    ) {
        let l = Layout(mixtures: k)
        let spread = Double(sigmaTemperature).squareRoot()
        let sx = Foundation.exp(Double(output[l.sigma + 2 * m])) * spread
        let sy = Foundation.exp(Double(output[l.sigma + 2 * m + 1])) * spread
        let rho = Foundation.tanh(Double(output[l.rho + m]))
        let z1 = rng.nextGaussian(), z2 = rng.nextGaussian()
        point[0] = Float(Double(output[l.mu + 2 * m]) + sx * z1)
        point[1] = Float(Double(output[l.mu + 2 * m + 1]) + sy * (rho * z1 + (max(1 - rho * rho, 0)).squareRoot() * z2))
        let lift = 1 / (1 + Foundation.exp(-Double(output[l.pen]) / Double(max(piTemperature, 1e-4))))
        point[2] = rng.nextDouble() < lift ? 1 : 0
    }
}
