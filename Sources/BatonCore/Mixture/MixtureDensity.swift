import Foundation

/// Diagonal Gaussian mixtures from a mixture-density head (Bishop 1994).
///
/// Head output layout (K components, D dimensions): `[μ (K·D) | σ-pre (K·D) | π logits (K)]`,
/// component k's μ at `k·D ..< (k+1)·D`. All likelihoods in log space: log-softmax of the
/// π logits, log-sum-exp over components.
public enum MixtureDensity {
    /// log 2π.
    public static let logTwoPi = 1.837_877_066_409_345_5

    /// σ from its pre-activation.
    @inline(__always)
    public static func sigma(_ s: Double, _ transform: SigmaTransform) -> Double {
        switch transform {
        case .exp: Foundation.exp(s)
        case .elu: (s > 0 ? s + 1 : Foundation.exp(s)) + 1e-7
        }
    }

    /// log σ, exact for the exp transform even where σ itself would underflow.
    @inline(__always)
    public static func logSigma(_ s: Double, _ transform: SigmaTransform) -> Double {
        transform == .exp ? s : Foundation.log(sigma(s, transform))
    }

    /// dσ/ds.
    @inline(__always)
    public static func sigmaDerivative(_ s: Double, _ transform: SigmaTransform) -> Double {
        switch transform {
        case .exp: Foundation.exp(s)
        case .elu: s > 0 ? 1 : Foundation.exp(s)
        }
    }

    /// log p(x) of the D values at `x` (model units) under the mixture in `output`.
    public static func logLikelihood(
        _ output: UnsafePointer<Float>, x: UnsafePointer<Float>, dims d: Int, mixtures k: Int, sigma transform: SigmaTransform
    ) -> Double {
        let logits = output + 2 * k * d
        var normaliser = LogSumExp()
        for m in 0..<k { normaliser.add(Double(logits[m])) }
        let logNormaliser = normaliser.value
        // log-sum-exp over components of log π_m + log N_m(x)
        var total = LogSumExp()
        for m in 0..<k {
            var logN = 0.0
            for j in 0..<d {
                let s = Double(output[k * d + m * d + j])
                let z = (Double(x[j]) - Double(output[m * d + j])) / sigma(s, transform)
                logN += -0.5 * z * z - logSigma(s, transform) - 0.5 * logTwoPi
            }
            total.add(Double(logits[m]) - logNormaliser + logN)
        }
        return total.value
    }

    /// Draws one point (model units) into `x`: component by softmax(π logits / τπ), then
    /// each dimension from N(μ, σ²·τσ) — the keras-mdn-layer / IMPS temperatures.
    /// Sampling never fails: a cumulative sum that runs off the end picks the last component.
    public static func sample(
        _ output: UnsafePointer<Float>, dims d: Int, mixtures k: Int, sigma transform: SigmaTransform,
        piTemperature: Float, sigmaTemperature: Float, using rng: inout SeededGenerator, into x: UnsafeMutablePointer<Float>
    ) {
        let m = sampleComponent(output + 2 * k * d, count: k, temperature: piTemperature, using: &rng)
        sample(output, component: m, dims: d, mixtures: k, sigma: transform, sigmaTemperature: sigmaTemperature, using: &rng, into: x)
    }

    /// Draws one point (model units) from component `m`, variances × τσ.
    public static func sample(
        _ output: UnsafePointer<Float>, component m: Int, dims d: Int, mixtures k: Int, sigma transform: SigmaTransform,
        sigmaTemperature: Float, using rng: inout SeededGenerator, into x: UnsafeMutablePointer<Float>
    ) {
        let spread = Double(sigmaTemperature).squareRoot()
        for j in 0..<d {
            let s = Double(output[k * d + m * d + j])
            x[j] = Float(Double(output[m * d + j]) + sigma(s, transform) * spread * rng.nextGaussian())
        }
    }

    /// Picks a component index from `count` logits at temperature τ (allocation-free).
    public static func sampleComponent(_ logits: UnsafePointer<Float>, count: Int, temperature: Float, using rng: inout SeededGenerator) -> Int {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: count) { probabilities in
            Categorical.softmax(UnsafeBufferPointer(start: logits, count: count), temperature: max(temperature, 1e-4), into: probabilities)
            return Categorical.sampleIndex(UnsafeBufferPointer(probabilities), uniform: rng.nextFloat())
        }
    }
}
