import BatonCore
@testable import BatonTraining
import Foundation
import Testing

/// The training kernels against their naive twins and against the inference stepper, on
/// the paths shipped models take: the BLAS recurrence (H > 128) and `ParallelGemm`
/// splitting a product across threads.
@Suite struct KernelAgreementTests {
    static func gaussians(_ count: Int, scale: Double = 1, seed: UInt64) -> [Float] {
        var rng = SeededGenerator(seed: seed)
        return (0..<count).map { _ in Float(rng.nextGaussian() * scale) }
    }

    /// `forwardCell` (training) against `LSTMCell.referenceUpdate` (Double, libm), with and
    /// without a tail of units past the last multiple of 8.
    @Test(arguments: [8, 13, 24])
    func forwardCellEqualsTheReference(units h: Int) {
        let z0 = Self.gaussians(4 * h, scale: 3, seed: UInt64(h)), cPrev = Self.gaussians(h, seed: UInt64(h) + 1)
        var z = z0, c = [Float](repeating: 0, count: h), tc = c, hidden = c
        z.withUnsafeMutableBufferPointer { zp in
            cPrev.withUnsafeBufferPointer { cp in
                c.withUnsafeMutableBufferPointer { c in
                    tc.withUnsafeMutableBufferPointer { t in
                        hidden.withUnsafeMutableBufferPointer {
                            LSTMLayer.forwardCell(z: zp.baseAddress!, cPrev: cp.baseAddress!, c: c.baseAddress!, cellTanh: t.baseAddress!,
                                                  hidden: $0.baseAddress!, units: h)
                        }
                    }
                }
            }
        }
        var refCell = cPrev.map(Double.init), refHidden = [Double](repeating: 0, count: h)
        LSTMCell.referenceUpdate(gates: z0.map(Double.init), units: h, cell: &refCell, hidden: &refHidden)
        func sigmoid(_ x: Float) -> Double { 1 / (1 + Foundation.exp(-Double(x))) }
        for j in 0..<h {
            #expect(abs(Double(c[j]) - refCell[j]) < 1e-6 && abs(Double(hidden[j]) - refHidden[j]) < 1e-6, "unit \(j)")
            #expect(abs(Double(tc[j]) - Foundation.tanh(refCell[j])) < 1e-6)
            // The activated gates backward needs, in place.
            #expect(abs(Double(z[j]) - sigmoid(z0[j])) < 1e-6 && abs(Double(z[2 * h + j]) - Foundation.tanh(Double(z0[2 * h + j]))) < 1e-6)
        }
    }

    /// The training forward pass against the stepper fed one symbol at a time, with 136
    /// units (the BLAS recurrence, as every shipped text model) and a window whose head
    /// product `ParallelGemm` splits across two threads.
    @Test func blasRecurrenceAndSplitProductsEqualTheStepper() {
        let config = ModelConfig.text(layers: 2, units: 136)
        #expect(!LSTMLayer.usesSmallGemm(units: config.units))
        var rng = SeededGenerator(seed: 21)
        let model = Model.initialised(config, using: &rng)
        let steps = 8, rows = 16
        #expect(ParallelGemm.parts(m: steps * rows, n: config.head.outputSize, k: config.units, threads: 2) == 2)
        let batch = GradientCheckTests.textBatch(steps: steps, rows: rows, seed: 5)
        let network = TrainingNetwork(config: config, steps: steps, rows: rows, threads: 2)
        network.resetState()
        _ = model.parameters.withUnsafeBufferPointer { network.forward(batch, parameters: $0.baseAddress!, training: false, rng: &rng) }
        let outputs = Array(network.lastOutputs), o = config.head.outputSize
        for b in [0, 7, 15] {
            let stepper = Stepper(model: model)
            for t in 0..<steps {
                let r = t * rows + b
                let out = Array(stepper.step(symbol: Int(batch.inputSymbols[r])))
                for j in 0..<o { #expect(abs(out[j] - outputs[r * o + j]) < 1e-4, "row \(b) step \(t) output \(j)") }
            }
        }
    }

    /// Gradients through the BLAS recurrence: finite differences agree, and two threads
    /// (rows split, products split) give the gradients one thread gives.
    @Test func blasRecurrenceGradientsAgreeAcrossThreads() {
        let config = ModelConfig.text(layers: 1, units: 136)
        let model = GradientCheckTests.model(config, scale: 1)
        let (worst, at) = GradientCheckTests.check(model, batch: GradientCheckTests.textBatch(steps: 3, rows: 2, seed: 8), samplesPerTensor: 12)
        #expect(worst < 1, "\(at)")
        let steps = 4, rows = 16
        #expect(ParallelGemm.parts(m: 4 * config.units, n: config.units, k: steps * rows, threads: 2) == 2)
        let batch = GradientCheckTests.textBatch(steps: steps, rows: rows, seed: 9)
        func gradients(threads: Int) -> [Float] {
            let network = TrainingNetwork(config: config, steps: steps, rows: rows, threads: threads)
            return GradientCheckTests.analytic(network, batch, model.parameters)
        }
        let one = gradients(threads: 1), two = gradients(threads: 2)
        let largest = one.map(abs).max() ?? 1
        for i in one.indices { #expect(abs(one[i] - two[i]) <= 1e-5 * largest, "parameter \(i): \(one[i]) vs \(two[i])") }
    }

    /// `ParallelGemm` splitting rows of C across threads against the naive product, for
    /// every transpose combination.
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func parallelGemmEqualsTheNaiveProduct(transposeA: Bool, transposeB: Bool) {
        let m = 64, n = 256, k = 256
        #expect(ParallelGemm.parts(m: m, n: n, k: k, threads: 2) == 2)
        let a = Self.gaussians(m * k, seed: 1), b = Self.gaussians(k * n, seed: 2), c0 = Self.gaussians(m * n, seed: 3)
        func transposed(_ x: [Float], rows: Int, columns: Int) -> [Float] {
            (0..<(rows * columns)).map { i in x[(i % rows) * columns + i / rows] }
        }
        // Stored as the routine reads them: op(A) = A or Aᵀ of the stored matrix.
        let storedA = transposeA ? transposed(a, rows: m, columns: k) : a
        let storedB = transposeB ? transposed(b, rows: k, columns: n) : b
        var expected = c0.map { 0.5 * $0 }
        SmallGemm.referenceMultiplyAdd(m: m, n: n, k: k, a: a.map { 2 * $0 }, b: b, c: &expected)
        var c = c0
        storedA.withUnsafeBufferPointer { ap in
            storedB.withUnsafeBufferPointer { bp in
                c.withUnsafeMutableBufferPointer {
                    ParallelGemm.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 2, a: ap.baseAddress!,
                                      lda: transposeA ? m : k, b: bp.baseAddress!, ldb: transposeB ? k : n, beta: 0.5, c: $0.baseAddress!, ldc: n, threads: 2)
                }
            }
        }
        for i in c.indices { #expect(abs(c[i] - expected[i]) < 1e-3, "element \(i)") }
    }

    /// The SIMD cross-entropy against `ProbabilityReference.crossEntropy`: loss and gradient.
    @Test func crossEntropyEqualsTheReference() {
        let v = 256, positions = 5
        let logits = Self.gaussians(v * positions, scale: 4, seed: 30)
        var batch = TrainingBatch(steps: positions, rows: 1)
        batch.targetSymbols = [3, 255, 0, 97, 128]
        batch.weights = [1, 1, 0, 1, 1]
        var gradients = [Float](repeating: 0, count: v * positions)
        let loss = logits.withUnsafeBufferPointer { l in
            gradients.withUnsafeMutableBufferPointer {
                SoftmaxCrossEntropy(symbols: v).evaluate(outputs: l.baseAddress!, batch: batch, gradients: $0.baseAddress!, scale: 0.5)
            }
        }
        var expectedLoss = 0.0
        for r in 0..<positions {
            let (nll, gradient) = ProbabilityReference.crossEntropy(logits[(r * v)..<((r + 1) * v)].map(Double.init), target: Int(batch.targetSymbols[r]))
            let w = Double(batch.weights![r])
            expectedLoss += w * nll
            for j in 0..<v { #expect(abs(Double(gradients[r * v + j]) - 0.5 * w * gradient[j]) < 1e-6, "position \(r) logit \(j)") }
        }
        #expect(abs(loss - expectedLoss) < 1e-4)
    }

    /// A component far from the target takes no responsibility: its z is infinite, and its
    /// gradients must be 0, not NaN (0 · ∞).
    @Test func mixtureLossIgnoresComponentsWithNoResponsibility() {
        let d = 1, k = 2
        var batch = TrainingBatch(steps: 1, rows: 1)
        batch.targetVectors = [0.5]
        // Component 0 near the target; component 1 with σ = e^-800 (1/σ overflows) away from it.
        let outputs: [Float] = [0.4, 3, 0, -800, 0.2, 0]
        var gradients = [Float](repeating: 0, count: outputs.count)
        let loss = outputs.withUnsafeBufferPointer { o in
            gradients.withUnsafeMutableBufferPointer {
                MixtureDensityLoss(dims: d, mixtures: k, sigma: .exp).evaluate(outputs: o.baseAddress!, batch: batch, gradients: $0.baseAddress!, scale: 1)
            }
        }
        // Only component 0 has any density at the target.
        let expected = -Foundation.log(ProbabilityReference.softmax([0.2, 0])[0] * ProbabilityReference.normalDensity(0.5, mean: 0.4, sigma: 1))
        #expect(abs(loss - expected) < 1e-8)
        #expect(gradients.allSatisfy(\.isFinite) && gradients[1] == 0 && gradients[3] == 0, "\(gradients)")
    }
}
