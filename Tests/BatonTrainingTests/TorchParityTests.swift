import BatonCore
import BatonTraining
import Foundation
import Testing

/// The same weights and batch give the same loss and gradients in Baton and in PyTorch
/// (issue 14, round trip a), for every kind of model. The fixtures hold a model, a batch
/// (time-major, as `TrainingBatch`), PyTorch's mean loss and its gradient per parameter,
/// computed in float64 by `python -m baton_train.parity --out Tests/Fixtures/torch`; an
/// integration test (Tests/Integration/test_pytorch_parity.py) regenerates them with the
/// installed torch and checks they equal these files, so neither side drifts silently.
@Suite struct TorchParityTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/torch")

    @Test(arguments: ["text-onehot", "text-embedding", "control-elu", "control-exp", "strokes"])
    func lossAndGradientsMatchPyTorch(name: String) throws {
        let path = Self.folder.appendingPathComponent("parity-\(name).safetensors").path
        let file = try SafeTensorsFile(bytes: try readFileBytes(path))
        let model = try Model(file: file, path: path)
        let steps = try #require(file.metadata["steps"].flatMap(Int.init))
        let rows = try #require(file.metadata["rows"].flatMap(Int.init))
        let reference = try #require(file.metadata["loss"].flatMap(Double.init))

        var batch = TrainingBatch(steps: steps, rows: rows)
        let inputs = try #require(file.floats("batch.inputs")), targets = try #require(file.floats("batch.targets"))
        if model.config.kind == .text {
            batch.inputSymbols = inputs.map { Int32($0) }
            batch.targetSymbols = targets.map { Int32($0) }
        } else {
            batch.inputVectors = inputs
            batch.targetVectors = targets
        }
        batch.weights = file.floats("batch.weights")
        if model.config.kind != .text { #expect(batch.weights?.contains(0) == true, "the fixture should exercise padding") }

        let network = TrainingNetwork(config: model.config, steps: steps, rows: rows, threads: 1)
        var rng = SeededGenerator(seed: 1)
        let sum = model.parameters.withUnsafeBufferPointer { network.forward(batch, parameters: $0.baseAddress!, training: true, rng: &rng) }
        let loss = sum / batch.countedPositions
        #expect(abs(loss - reference) <= 1e-4, "\(name): Baton loss \(loss), PyTorch \(reference)")

        var gradients = [Float](repeating: 0, count: model.parameters.count)
        model.parameters.withUnsafeBufferPointer { p in
            gradients.withUnsafeMutableBufferPointer { g in
                network.backward(parameters: p.baseAddress!, gradients: g.baseAddress!, scale: Float(1 / batch.countedPositions))
            }
        }
        var worst = 0.0, worstName = "", referenceNorm = 0.0
        for slot in model.layout.slots {
            let expected = try #require(file.floats("grad." + slot.name), "fixture lacks grad.\(slot.name)")
            #expect(expected.count == slot.count)
            for (i, e) in expected.enumerated() {
                referenceNorm += Double(e) * Double(e)
                let difference = abs(Double(gradients[slot.offset + i]) - Double(e))
                if difference > worst { (worst, worstName) = (difference, slot.name) }
            }
        }
        print("torch parity \(name): loss difference \(abs(loss - reference)), worst gradient difference \(worst)")
        // A fixture whose gradients vanish would pass for any implementation.
        #expect(referenceNorm.squareRoot() > 0.05, "\(name): reference gradient norm \(referenceNorm.squareRoot())")
        #expect(worst <= 1e-4, "\(name): worst gradient difference \(worst) in \(worstName)")
    }
}
