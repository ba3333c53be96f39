import BatonCore
@testable import BatonTraining
import Foundation
import Testing

@Suite struct NetworkTests {
    /// The training forward pass over a window gives, at every position, the same head output
    /// as the inference stepper fed the same row one symbol at a time.
    @Test(arguments: [ModelConfig.text(layers: 2, units: 12), .text(layers: 1, units: 9, embedding: 5),
                      ModelConfig(kind: .control, inputSize: 2, layers: 2, units: 8, head: .mixtureDensity(dims: 2, mixtures: 3, sigma: .elu))])
    func trainingForwardEqualsStepper(config: ModelConfig) {
        var rng = SeededGenerator(seed: 12)
        let model = Model.initialised(config, using: &rng)
        let steps = 6, rows = 3
        let batch = config.kind == .text
            ? GradientCheckTests.textBatch(steps: steps, rows: rows, seed: 3)
            : GradientCheckTests.vectorBatch(steps: steps, rows: rows, dims: 2, seed: 3)
        let network = TrainingNetwork(config: config, steps: steps, rows: rows, threads: 2)
        network.resetState()
        _ = model.parameters.withUnsafeBufferPointer { network.forward(batch, parameters: $0.baseAddress!, training: false, rng: &rng) }
        let outputs = Array(network.lastOutputs), o = config.head.outputSize
        for b in 0..<rows {
            let stepper = Stepper(model: model)
            for t in 0..<steps {
                let r = t * rows + b
                let out = config.kind == .text
                    ? Array(stepper.step(symbol: Int(batch.inputSymbols[r])))
                    : Array(stepper.step(input: Array(batch.inputVectors[(r * 2)..<(r * 2 + 2)])))
                for j in 0..<o { #expect(abs(out[j] - outputs[r * o + j]) < 1e-4, "row \(b) step \(t) output \(j)") }
            }
        }
    }

    @Test func statefulBatchesContinueEachRow() throws {
        let text = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)
        let batches = try TextBatches(bytes: text, steps: 4, rows: 3, path: "t", what: "text")
        #expect(batches.rows == 3 && batches.batchesPerEpoch == 2)
        var rng = SeededGenerator(seed: 1)
        let first = batches.batch(epoch: 0, index: 0, rng: &rng), second = batches.batch(epoch: 0, index: 1, rng: &rng)
        // Row 1 covers bytes 12..<24: window 0 inputs 12..15, window 1 inputs 16..19.
        func row1(_ symbols: [Int32]) -> [Int32] { [symbols[1], symbols[4], symbols[7], symbols[10]] }
        func bytes(_ range: Range<Int>) -> [Int32] { text[range].map { Int32($0) } }
        #expect(row1(first.inputSymbols) == bytes(12..<16))
        #expect(row1(second.inputSymbols) == bytes(16..<20))
        #expect(row1(first.targetSymbols) == bytes(13..<17))
        #expect(throws: DataError.self) { try TextBatches(bytes: Array("abc".utf8), steps: 4, rows: 1, path: "short.txt", what: "text") }
    }

    @Test func adamMinimisesAQuadratic() {
        var p: [Float] = [3, -2]
        var adam = Optimizer(kind: .adam, parameterCount: 2), rms = Optimizer(kind: .rmsprop, parameterCount: 2)
        var q = p
        for _ in 0..<2000 {
            adam.update(&p, gradients: p.map { 2 * $0 }, rate: 0.01)
            rms.update(&q, gradients: q.map { 2 * $0 }, rate: 0.003)
        }
        #expect(p.allSatisfy { abs($0) < 1e-2 } && q.allSatisfy { abs($0) < 1e-2 })
        var g: [Float] = [3, 4]
        #expect(clipGradientNorm(&g, maxNorm: 1) == 5)
        #expect(abs(g[0] - 0.6) < 1e-6 && abs(g[1] - 0.8) < 1e-6)
    }
}

@Suite struct SequenceSplitTests {
    @Test func splitsBySequenceFromTheEnd() {
        var set = SequenceSet(dims: 2)
        for n in [10, 10, 10, 10] { set.append(sequence: [Float](repeating: Float(n), count: 2 * n)) }
        let (train, validation) = set.split(validationFraction: 0.2)
        #expect(train.sequenceCount == 3 && validation.sequenceCount == 1)
    }

    @Test func aSingleSequenceHoldsOutItsTail() {
        var set = SequenceSet(dims: 1)
        set.append(sequence: (0..<100).map(Float.init))
        let (train, validation) = set.split(validationFraction: 0.1)
        #expect(train.eventCount == 90 && validation.eventCount == 10 && validation.values.first == 90)
    }

    @Test func negatingFlipsOneDimensionOnly() {
        var set = SequenceSet(dims: 3)
        set.append(sequence: [1, 2, 0, -3, 4, 1])
        let flipped = set.negating(dimension: 1)
        #expect(flipped.values == [1, -2, 0, -3, -4, 1] && flipped.offsets == set.offsets)
    }
}
