@testable import BatonCore
import Foundation
import Testing

/// Every fast probability kernel against its naive twin in `ProbabilityReference`.
@Suite struct ProbabilityReferenceTests {
    static func gaussians(_ count: Int, scale: Double, seed: UInt64) -> [Float] {
        var rng = SeededGenerator(seed: seed)
        return (0..<count).map { _ in Float(rng.nextGaussian() * scale) }
    }

    @Test(arguments: [(1, Float(1)), (7, 0.5), (8, 1), (37, 2), (256, 0.8), (256, 0.05)])
    func softmaxAndLogSoftmaxEqualTheReference(count: Int, temperature: Float) {
        let logits = Self.gaussians(count, scale: 3, seed: UInt64(count))
        let expected = ProbabilityReference.softmax(logits.map(Double.init), temperature: Double(temperature))
        let expectedLog = ProbabilityReference.logSoftmax(logits.map(Double.init), temperature: Double(temperature))
        var p = [Float](repeating: 0, count: count), logP = p
        let logNormaliser = logits.withUnsafeBufferPointer { l in p.withUnsafeMutableBufferPointer { Softmax.softmax(l, temperature: temperature, into: $0) } }
        logits.withUnsafeBufferPointer { l in logP.withUnsafeMutableBufferPointer { Softmax.logSoftmax(l, temperature: temperature, into: $0.baseAddress!) } }
        for j in 0..<count {
            #expect(abs(Double(p[j]) - expected[j]) <= 1e-6 + 1e-5 * expected[j], "p[\(j)]")
            #expect(abs(Double(logP[j]) - expectedLog[j]) <= 1e-4 * max(1, abs(expectedLog[j])), "log p[\(j)]")
        }
        let scaled = logits.map { Double($0) / Double(temperature) }
        #expect(abs(Double(logNormaliser) - ProbabilityReference.logSumExp(scaled)) < 1e-4 * max(1, abs(Double(logNormaliser))))
        let simd = logits.withUnsafeBufferPointer { Softmax.logSumExp($0.baseAddress!, count: count, inverseTemperature: 1 / temperature) }
        #expect(abs(Double(simd) - ProbabilityReference.logSumExp(scaled)) < 1e-4 * max(1, abs(Double(simd))))
    }

    @Test func runningLogSumExpEqualsTheReference() {
        var rng = SeededGenerator(seed: 3)
        for n in [1, 2, 10, 300] {
            let terms = (0..<n).map { _ in rng.nextGaussian() * 50 }
            var sum = LogSumExp()
            for t in terms { sum.add(t) }
            #expect(abs(sum.value - ProbabilityReference.logSumExp(terms)) < 1e-12 * max(1, abs(sum.value)))
        }
    }

    @Test func logProbabilityEqualsTheReference() {
        let logits = Self.gaussians(256, scale: 4, seed: 12)
        let expected = ProbabilityReference.logSoftmax(logits.map(Double.init))
        for index in [0, 17, 255] {
            #expect(abs(logits.withUnsafeBufferPointer { Categorical.logProbability($0, of: index) } - expected[index]) < 1e-12)
        }
    }

    @Test func sampleIndexEqualsTheReference() {
        var rng = SeededGenerator(seed: 9)
        let weights: [Float] = [0, 0.1, 0.25, 0, 0.4, 0.25, 0]
        for _ in 0..<2000 {
            let u = rng.nextFloat()
            let fast = weights.withUnsafeBufferPointer { Categorical.sampleIndex($0, uniform: u) }
            #expect(fast == ProbabilityReference.sampleIndex(weights.map(Double.init), uniform: Double(u)))
        }
        #expect(weights.withUnsafeBufferPointer { Categorical.sampleIndex($0, uniform: 0.999_999_9) } == 5)
    }

    @Test(arguments: [(0, Float(1)), (1, 1), (5, 1), (0, 0.5), (10, 0.9), (300, 0.99), (3, 0.01), (0, 0)])
    func truncationEqualsTheReference(topK: Int, topP: Float) {
        var rng = SeededGenerator(seed: UInt64(topK * 100) + UInt64(topP * 100))
        // Ties included: entry j and j + 128 share a probability.
        let half = (0..<128).map { _ in Float(rng.nextDouble() + 0.01) }
        var p = half + half
        let total = p.reduce(0, +)
        p = p.map { $0 / total }
        let expected = ProbabilityReference.truncate(p.map(Double.init), topK: topK, topP: Double(topP))
        let truncation = Truncation(capacity: 256)
        p.withUnsafeMutableBufferPointer { truncation.apply($0, topK: topK, topP: topP) }
        for j in 0..<256 {
            #expect((p[j] == 0) == (expected[j] == 0), "entry \(j) kept differently")
            #expect(abs(Double(p[j]) - expected[j]) < 1e-5)
        }
    }

    @Test(arguments: SigmaTransform.allCases)
    func mixtureDensityLikelihoodEqualsTheReference(sigma: SigmaTransform) {
        let d = 4, k = 5
        for seed in 1...6 {
            let output = Self.gaussians(2 * k * d + k, scale: 1, seed: UInt64(seed))
            let x = Self.gaussians(d, scale: 1, seed: UInt64(seed) + 100)
            let fast = output.withUnsafeBufferPointer { o in
                x.withUnsafeBufferPointer { MixtureDensity.logLikelihood(o.baseAddress!, x: $0.baseAddress!, dims: d, mixtures: k, sigma: sigma) }
            }
            let naive = ProbabilityReference.mixtureDensityLogLikelihood(output, x: x, dims: d, mixtures: k, sigma: sigma)
            #expect(abs(fast - naive) < 1e-10 * max(1, abs(naive)), "seed \(seed): \(fast) vs \(naive)")
        }
    }

    @Test func strokeLikelihoodEqualsTheCovarianceMatrixReference() {
        let k = 6
        for seed in 1...6 {
            let output = Self.gaussians(6 * k + 1, scale: 1, seed: UInt64(seed))
            var point = Self.gaussians(3, scale: 1, seed: UInt64(seed) + 50)
            point[2] = seed % 2 == 0 ? 1 : 0
            let fast = output.withUnsafeBufferPointer { o in point.withUnsafeBufferPointer { StrokeMixture.logLikelihood(o.baseAddress!, point: $0.baseAddress!, mixtures: k) } }
            let naive = ProbabilityReference.strokeLogLikelihood(output, point: point, mixtures: k)
            #expect(abs(fast - naive) < 1e-10 * max(1, abs(naive)), "seed \(seed): \(fast) vs \(naive)")
        }
    }

    @Test func bivariatePointEqualsTheCholeskyReference() {
        let n = BivariateGaussian(muX: 0.1, muY: 0.2, sigmaPreX: -0.3, sigmaPreY: 0.6, rhoPre: -0.9)
        var rng = SeededGenerator(seed: 4)
        for _ in 0..<100 {
            let z1 = rng.nextGaussian(), z2 = rng.nextGaussian()
            let fast = n.point(z1, z2, spread: 0.7)
            let naive = ProbabilityReference.bivariatePoint(z1, z2, muX: 0.1, muY: 0.2, sigmaX: Foundation.exp(-0.3), sigmaY: Foundation.exp(0.6),
                                                            rho: Foundation.tanh(-0.9), spread: 0.7)
            #expect(abs(fast.x - naive.0) < 1e-12 && abs(fast.y - naive.1) < 1e-12)
        }
    }
}
