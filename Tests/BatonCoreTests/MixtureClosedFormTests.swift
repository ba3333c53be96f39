@testable import BatonCore
import Foundation
import Testing

/// Mixture likelihoods against answers known in closed form, and sampling against the
/// moments of the density the likelihood scores.
@Suite struct MixtureClosedFormTests {
    /// K identical components are one component, whatever the π logits say.
    @Test(arguments: SigmaTransform.allCases)
    func identicalComponentsEqualOne(sigma: SigmaTransform) {
        let d = 3, mu: [Float] = [0.2, -1, 3], s: [Float] = [-0.5, 0.3, 1.2], x: [Float] = [0.1, -0.4, 2.2]
        func output(_ k: Int) -> [Float] {
            (0..<k).flatMap { _ in mu } + (0..<k).flatMap { _ in s } + (0..<k).map { Float($0) * 0.7 - 1 }
        }
        func logP(_ k: Int) -> Double {
            output(k).withUnsafeBufferPointer { o in
                x.withUnsafeBufferPointer { MixtureDensity.logLikelihood(o.baseAddress!, x: $0.baseAddress!, dims: d, mixtures: k, sigma: sigma) }
            }
        }
        var one = 0.0
        for j in 0..<d {
            let sd = sigma.sigma(Double(s[j]))
            one += -0.5 * pow((Double(x[j]) - Double(mu[j])) / sd, 2) - Foundation.log(sd) - 0.5 * Foundation.log(2 * Double.pi)
        }
        for k in [1, 2, 5] { #expect(abs(logP(k) - one) < 1e-9, "K = \(k)") }
    }

    @Test func identicalStrokeComponentsEqualOne() {
        func output(_ k: Int) -> [Float] {
            let l = StrokeMixture.Layout(mixtures: k)
            var o = [Float](repeating: 0, count: l.outputSize)
            for m in 0..<k {
                o[l.mu + 2 * m] = 0.3; o[l.mu + 2 * m + 1] = -0.2
                o[l.sigma + 2 * m] = -0.4; o[l.sigma + 2 * m + 1] = 0.1
                o[l.rho + m] = 0.6; o[l.logits + m] = Float(m) * 1.3
            }
            o[l.pen] = -0.8
            return o
        }
        let point: [Float] = [0.5, 0.1, 1]
        func logP(_ k: Int) -> Double {
            output(k).withUnsafeBufferPointer { o in point.withUnsafeBufferPointer { StrokeMixture.logLikelihood(o.baseAddress!, point: $0.baseAddress!, mixtures: k) } }
        }
        for k in [2, 7] { #expect(abs(logP(k) - logP(1)) < 1e-12, "K = \(k)") }
    }

    /// ρ = 0: the bivariate density is the product of two univariate ones.
    @Test func uncorrelatedBivariateIsTwoUnivariates() {
        let n = BivariateGaussian(muX: 0.3, muY: -1.1, sigmaPreX: -0.7, sigmaPreY: 0.4, rhoPre: 0)
        for (x, y) in [(0.0, 0.0), (1.5, -2.0), (-0.3, 4.0)] {
            let zx = (x - 0.3) / Foundation.exp(-0.7), zy = (y + 1.1) / Foundation.exp(0.4)
            let expected = Gaussian.logDensity(standardised: zx, logSigma: -0.7) + Gaussian.logDensity(standardised: zy, logSigma: 0.4)
            #expect(abs(n.logDensity(x: x, y: y) - expected) < 1e-12)
        }
    }

    /// Sampling draws from the density the likelihood scores, also where ρ is at its bound:
    /// the residual of y given x has variance ω·σy², the ω of the likelihood (sampling used
    /// to take max(1 − ρ², 0) = 0 there, the likelihood 1e-6).
    @Test(arguments: [0.0, 0.8, -1.7, 20.0])
    func samplingMatchesTheScoredDensity(rhoPre: Double) {
        let n = BivariateGaussian(muX: 0.5, muY: -0.25, sigmaPreX: -1, sigmaPreY: 0.5, rhoPre: rhoPre)
        var rng = SeededGenerator(seed: 17)
        let draws = 40_000, spread = 0.8
        var sx = 0.0, sy = 0.0, sxx = 0.0, syy = 0.0, sxy = 0.0, residual = 0.0
        for _ in 0..<draws {
            let (x, y) = n.point(rng.nextGaussian(), rng.nextGaussian(), spread: spread)
            let (zx, zy) = n.standardised(x: x, y: y)
            let (a, b) = (zx / spread, zy / spread)
            sx += a; sy += b; sxx += a * a; syy += b * b; sxy += a * b
            residual += (b - n.rho * a) * (b - n.rho * a)
        }
        let count = Double(draws)
        #expect(abs(sx / count) < 0.02 && abs(sy / count) < 0.02)
        #expect(abs(sxx / count - 1) < 0.03 && abs(syy / count - 1) < 0.03)
        #expect(abs(sxy / count - n.rho) < 0.02)
        #expect(abs(residual / count / n.omega - 1) < 0.03, "residual variance \(residual / count) for ω = \(n.omega)")
        #expect(n.rhoIsBounded == (rhoPre == 20) && n.omega >= BivariateGaussian.minimumOmega)
    }

    /// The diagonal sampler: mean μ and standard deviation σ·√τσ per dimension.
    @Test func diagonalSamplesHaveTheTemperedMoments() {
        let output: [Float] = [1.5, -2, 0.4, -0.9, 0]  // K = 1, D = 2: μ | σ-pre | π
        var rng = SeededGenerator(seed: 5)
        var x = [Float](repeating: 0, count: 2)
        var sum = [0.0, 0.0], squares = [0.0, 0.0]
        let draws = 30_000
        for _ in 0..<draws {
            output.withUnsafeBufferPointer { o in
                x.withUnsafeMutableBufferPointer {
                    MixtureDensity.sample(o.baseAddress!, dims: 2, mixtures: 1, sigma: .elu, piTemperature: 1, sigmaTemperature: 0.25,
                                          using: &rng, into: $0.baseAddress!)
                }
            }
            for j in 0..<2 { sum[j] += Double(x[j]); squares[j] += Double(x[j]) * Double(x[j]) }
        }
        for j in 0..<2 {
            let mean = sum[j] / Double(draws), sd = (squares[j] / Double(draws) - mean * mean).squareRoot()
            let expected = SigmaTransform.elu.sigma(Double(output[2 + j])) * 0.5
            #expect(abs(mean - Double(output[j])) < 0.01 && abs(sd / expected - 1) < 0.02, "dimension \(j): mean \(mean), sd \(sd) vs \(expected)")
        }
    }

    /// Components are drawn in proportion to softmax(logits / τπ).
    @Test func componentsAreDrawnAtThePiTemperature() {
        let logits: [Float] = [0.5, 1.5, -0.2, 1.0]
        let expected = ProbabilityReference.softmax(logits.map(Double.init), temperature: 1.5)
        var counts = [Int](repeating: 0, count: 4)
        var rng = SeededGenerator(seed: 8)
        let draws = 40_000
        for _ in 0..<draws {
            counts[logits.withUnsafeBufferPointer { Categorical.sampleComponent($0.baseAddress!, count: 4, temperature: 1.5, using: &rng) }] += 1
        }
        for m in 0..<4 { #expect(abs(Double(counts[m]) / Double(draws) - expected[m]) < 0.01) }
    }
}
