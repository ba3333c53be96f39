/// Diagonal Gaussian mixtures from a mixture-density head (Bishop 1994).
///
/// Head output layout (K components, D dimensions): `[μ (K·D) | σ-pre (K·D) | π logits (K)]`,
/// component k's μ at `k·D ..< (k+1)·D`. All likelihoods in log space (`Mixture`,
/// `Gaussian`); temperatures as `Temperature` states.
public enum MixtureDensity {
    /// log p(x) of the D values at `x` (model units) under the mixture in `output`.
    public static func logLikelihood(
        _ output: UnsafePointer<Float>, x: UnsafePointer<Float>, dims d: Int, mixtures k: Int, sigma transform: SigmaTransform
    ) -> Double {
        Mixture.logLikelihood(logits: output + 2 * k * d, count: k) { m in
            Gaussian.logDensity(x: x, mean: output + m * d, sigmaPre: output + k * d + m * d, dims: d, transform: transform)
        }
    }

    /// Draws one point (model units) into `x`: component by softmax(π logits / τπ), then
    /// each dimension from N(μ, σ²·τσ) — the keras-mdn-layer / IMPS temperatures.
    /// Sampling never fails: a cumulative sum that runs off the end picks the last component.
    public static func sample(
        _ output: UnsafePointer<Float>, dims d: Int, mixtures k: Int, sigma transform: SigmaTransform,
        piTemperature: Float, sigmaTemperature: Float, using rng: inout SeededGenerator, into x: UnsafeMutablePointer<Float>
    ) {
        let m = Categorical.sampleComponent(output + 2 * k * d, count: k, temperature: piTemperature, using: &rng)
        sample(output, component: m, dims: d, mixtures: k, sigma: transform, sigmaTemperature: sigmaTemperature, using: &rng, into: x)
    }

    /// Draws one point (model units) from component `m`, variances × τσ.
    public static func sample(
        _ output: UnsafePointer<Float>, component m: Int, dims d: Int, mixtures k: Int, sigma transform: SigmaTransform,
        sigmaTemperature: Float, using rng: inout SeededGenerator, into x: UnsafeMutablePointer<Float>
    ) {
        let spread = Temperature.sigmaScale(sigmaTemperature)
        for j in 0..<d {
            let s = Double(output[k * d + m * d + j])
            x[j] = Float(Double(output[m * d + j]) + transform.sigma(s) * spread * rng.nextGaussian())
        }
    }
}
