import Foundation

/// Pen-stroke distributions from a stroke head (Graves 2013 §4; sketch-rnn; Ha 2017): K
/// bivariate Gaussians over (dx, dy) (`BivariateGaussian`) plus a Bernoulli pen state
/// "lifted after this point".
///
/// Head output layout: `[μ (K·2) | σ-pre (K·2) | ρ-pre (K) | π logits (K) | pen logit (1)]`,
/// component k's (μx, μy) at `2k, 2k+1`.
public enum StrokeMixture {
    /// Offsets of each block in the output vector.
    public struct Layout: Sendable {
        /// K, the number of bivariate components.
        public let mixtures: Int
        /// The layout of a head with `mixtures` components.
        public init(mixtures: Int) { self.mixtures = mixtures }
        /// Where the means start (2K values).
        public var mu: Int { 0 }
        /// Where the σ pre-activations start (2K values).
        public var sigma: Int { 2 * mixtures }
        /// Where the ρ pre-activations start (K values).
        public var rho: Int { 4 * mixtures }
        /// Where the component logits start (K values).
        public var logits: Int { 5 * mixtures }
        /// Where the single pen logit is.
        public var pen: Int { 6 * mixtures }
        /// The head's width: 6K + 1.
        public var outputSize: Int { 6 * mixtures + 1 }
    }

    /// log p(dx, dy, pen) in model units: the mixture density of the offset plus the
    /// Bernoulli log-probability of the pen state (pen ≥ 0.5 means lifted).
    public static func logLikelihood(_ output: UnsafePointer<Float>, point: UnsafePointer<Float>, mixtures k: Int) -> Double {
        let l = Layout(mixtures: k)
        let x = Double(point[0]), y = Double(point[1])
        let offset = Mixture.logLikelihood(logits: output + l.logits, count: k) { m in
            BivariateGaussian(output, component: m, layout: l).logDensity(x: x, y: y)
        }
        return offset + logBernoulli(logit: Double(output[l.pen]), lifted: point[2] >= 0.5)
    }

    /// log σ(z) or log(1 − σ(z)), stable for large |z|.
    @inline(__always)
    public static func logBernoulli(logit z: Double, lifted: Bool) -> Double {
        let softplus = z > 0 ? z + Foundation.log1p(Foundation.exp(-z)) : Foundation.log1p(Foundation.exp(z))
        return lifted ? z - softplus : -softplus
    }

    /// P(lifted) = σ(logit / τπ).
    @inline(__always)
    public static func liftProbability(logit: Float, piTemperature: Float) -> Double {
        1 / (1 + Foundation.exp(-Double(logit) * Double(Temperature.inverse(piTemperature))))
    }

    /// Draws (dx, dy, pen) in model units. Component by softmax(π logits / τπ); the offset
    /// from the bivariate normal with variances scaled by τσ; the pen from σ(logit / τπ).
    public static func sample(
        _ output: UnsafePointer<Float>, mixtures k: Int, piTemperature: Float, sigmaTemperature: Float,
        using rng: inout SeededGenerator, into point: UnsafeMutablePointer<Float>
    ) {
        let m = Categorical.sampleComponent(output + Layout(mixtures: k).logits, count: k, temperature: piTemperature, using: &rng)
        sample(output, component: m, mixtures: k, piTemperature: piTemperature, sigmaTemperature: sigmaTemperature, using: &rng, into: point)
    }

    /// Draws (dx, dy, pen) in model units from component `m`.
    public static func sample(
        _ output: UnsafePointer<Float>, component m: Int, mixtures k: Int, piTemperature: Float, sigmaTemperature: Float,
        using rng: inout SeededGenerator, into point: UnsafeMutablePointer<Float>
    ) {
        let l = Layout(mixtures: k)
        let z1 = rng.nextGaussian(), z2 = rng.nextGaussian()
        let (x, y) = BivariateGaussian(output, component: m, layout: l).point(z1, z2, spread: Temperature.sigmaScale(sigmaTemperature))
        point[0] = Float(x)
        point[1] = Float(y)
        point[2] = rng.nextDouble() < liftProbability(logit: output[l.pen], piTemperature: piTemperature) ? 1 : 0
    }
}
