@testable import BatonCore
import Foundation
import Testing

/// Numerical edges of the probability module, each with its closed-form answer.
@Suite struct ProbabilityEdgeTests {
    static func logSumExp(_ terms: [Double]) -> Double {
        var sum = LogSumExp()
        for t in terms { sum.add(t) }
        return sum.value
    }

    @Test func logSumExpOfOnlyMinusInfinityIsMinusInfinity() {
        #expect(Self.logSumExp([]) == -.infinity)
        #expect(Self.logSumExp([-.infinity, -.infinity]) == -.infinity)
        // A −∞ term adds nothing, whatever comes after it (this gave NaN).
        #expect(Self.logSumExp([-.infinity, 1.5]) == 1.5)
        #expect(abs(Self.logSumExp([-.infinity, 0, -.infinity, 0]) - Foundation.log(2)) < 1e-15)
        #expect(Self.logSumExp([2, .infinity, 3]) == .infinity)
        #expect(Self.logSumExp([1, .nan, 2]).isNaN)
        let logits = [Float](repeating: -.infinity, count: 11)
        #expect(logits.withUnsafeBufferPointer { Softmax.logSumExp($0.baseAddress!, count: 11) } == -.infinity)
    }

    @Test func softmaxIsShiftInvariantForAnyCount() {
        for count in [1, 5, 8, 13, 256] {
            var rng = SeededGenerator(seed: UInt64(count))
            // Multiples of 1/64, so the shifted logits are exact in Float.
            let logits = (0..<count).map { _ in Float((rng.nextGaussian() * 256).rounded()) / 64 }
            let shifted = logits.map { $0 - 512 }
            var a = [Float](repeating: 0, count: count), b = a, logA = a, logB = a
            logits.withUnsafeBufferPointer { l in a.withUnsafeMutableBufferPointer { Softmax.softmax(l, temperature: 0.7, into: $0) } }
            shifted.withUnsafeBufferPointer { l in b.withUnsafeMutableBufferPointer { Softmax.softmax(l, temperature: 0.7, into: $0) } }
            logits.withUnsafeBufferPointer { l in logA.withUnsafeMutableBufferPointer { Softmax.logSoftmax(l, temperature: 0.7, into: $0.baseAddress!) } }
            shifted.withUnsafeBufferPointer { l in logB.withUnsafeMutableBufferPointer { Softmax.logSoftmax(l, temperature: 0.7, into: $0.baseAddress!) } }
            for j in 0..<count {
                #expect(abs(a[j] - b[j]) < 1e-6 && abs(logA[j] - logB[j]) < 1e-4, "count \(count) entry \(j)")
            }
            #expect(abs(a.reduce(0, +) - 1) < 1e-5)
        }
    }

    @Test func minusInfinityLogitsGetExactlyZeroAndTheSamplerNeverPicksThem() {
        let logits: [Float] = [0, 0, -.infinity]
        var p = [Float](repeating: 0, count: 3), logP = p
        logits.withUnsafeBufferPointer { l in p.withUnsafeMutableBufferPointer { Softmax.softmax(l, into: $0) } }
        logits.withUnsafeBufferPointer { l in logP.withUnsafeMutableBufferPointer { Softmax.logSoftmax(l, into: $0.baseAddress!) } }
        #expect(p == [0.5, 0.5, 0] && logP[2] == -.infinity)
        // Running off the end of the cumulative sum returns the last index with weight.
        #expect(p.withUnsafeBufferPointer { Categorical.sampleIndex($0, uniform: 1.5) } == 1)
        // All −∞: the limit of equal logits, uniform.
        let none = [Float](repeating: -.infinity, count: 4)
        var q = [Float](repeating: 0, count: 4)
        none.withUnsafeBufferPointer { l in q.withUnsafeMutableBufferPointer { Softmax.softmax(l, into: $0) } }
        #expect(q == [0.25, 0.25, 0.25, 0.25])
        let infinite: [Float] = [1, .infinity, 2, .infinity]
        infinite.withUnsafeBufferPointer { l in q.withUnsafeMutableBufferPointer { Softmax.softmax(l, into: $0) } }
        #expect(q == [0, 0.5, 0, 0.5])
    }

    @Test func everyTemperatureIsClampedOneWay() {
        // τ → 0 is the arg-max (a denormal τ made 1/τ infinite and the winner NaN); τ = ∞ is uniform.
        let logits: [Float] = [0.3, 2, 1.99, -1]
        var p = [Float](repeating: 0, count: 4)
        for tiny: Float in [1e-45, 0, -3] {
            logits.withUnsafeBufferPointer { l in p.withUnsafeMutableBufferPointer { Softmax.softmax(l, temperature: tiny, into: $0) } }
            #expect(p == [0, 1, 0, 0], "temperature \(tiny)")
        }
        logits.withUnsafeBufferPointer { l in p.withUnsafeMutableBufferPointer { Softmax.softmax(l, temperature: .infinity, into: $0) } }
        #expect(p.allSatisfy { abs($0 - 0.25) < 1e-3 })
        #expect(Temperature.clamped(.nan) == 1 && Temperature.clamped(0) == Temperature.range.lowerBound)
        #expect(Temperature.sigmaScale(0.25) == 0.5)
        for bad: Float in [0, -1, .nan, .infinity] {
            #expect(throws: InvalidSetting.self) { try Temperature.validate(bad, name: "--temperature") }
        }
        #expect(throws: Never.self) { try Temperature.validate(0.01, name: "--temperature") }
    }

    /// z = (x − μ)·e^(−s): with σ = e^(−800), which underflows to 0 in Double, x = μ used
    /// to give 0/0 = NaN; its density is exactly known.
    @Test func diagonalGaussianNeverDividesByAnUnderflowingSigma() {
        let s: Float = -800, mu: Float = 0.25
        let output: [Float] = [mu, s, 0]  // one component, one dimension: μ | σ-pre | π logit
        let x: [Float] = [mu]
        let logP = output.withUnsafeBufferPointer { o in
            x.withUnsafeBufferPointer { MixtureDensity.logLikelihood(o.baseAddress!, x: $0.baseAddress!, dims: 1, mixtures: 1, sigma: .exp) }
        }
        #expect(abs(logP - (800 - 0.5 * Gaussian.logTwoPi)) < 1e-9)
        let away: [Float] = [mu + 1e-3]
        let far = output.withUnsafeBufferPointer { o in
            away.withUnsafeBufferPointer { MixtureDensity.logLikelihood(o.baseAddress!, x: $0.baseAddress!, dims: 1, mixtures: 1, sigma: .exp) }
        }
        #expect(far == -.infinity)
    }
}
