import BatonCore
@testable import BatonTraining
import Foundation
import Testing

/// Weight decay, the weight average, the schedule's warm-up, and what the trainer saves
/// and resumes when averaging is on.
@Suite struct OptimisationTests {
    @Test func weightDecayIsDecoupledFromTheGradient() {
        // Zero gradients: Adam's step is 0, so only the decay moves θ, by exactly (1 − rate·λ).
        var p: [Float] = [2, -4, 0.5]
        var adam = Optimizer(kind: .adam, parameterCount: 3)
        adam.update(&p, gradients: [0, 0, 0], rate: 0.01, weightDecay: 0.5)
        let expected: [Float] = [2 * 0.995, -4 * 0.995, 0.5 * 0.995]
        for i in 0..<3 { #expect(abs(p[i] - expected[i]) < 1e-6) }
        // With a gradient, the decay adds to Adam's step (PyTorch AdamW's order).
        var q: [Float] = [1], plain: [Float] = [1]
        var a1 = Optimizer(kind: .adam, parameterCount: 1), a2 = Optimizer(kind: .adam, parameterCount: 1)
        a1.update(&q, gradients: [0.3], rate: 0.1, weightDecay: 0.2)
        a2.update(&plain, gradients: [0.3], rate: 0.1)
        #expect(abs((q[0] - plain[0]) - (-0.1 * 0.2 * 1)) < 1e-6)
    }

    @Test func weightAverageWarmsUpItsDecay() {
        var average = WeightAverage(decay: 0.9, parameters: [0, 10])
        var expected: [Double] = [0, 10]
        for t in 1...40 {
            let theta: [Float] = [Float(t), Float(-t)]
            let beta = min(0.9, Double(1 + t) / Double(10 + t))
            #expect(abs(Double(average.currentDecay) - beta) < 1e-7)
            average.update(with: theta)
            for i in 0..<2 { expected[i] += (1 - beta) * (Double(theta[i]) - expected[i]) }
        }
        #expect(average.updates == 40)
        for i in 0..<2 { #expect(abs(Double(average.values[i]) - expected[i]) < 1e-3) }
        // A constant sequence is its own average.
        var constant = WeightAverage(decay: 0.999, parameters: [5])
        for _ in 0..<100 { constant.update(with: [5]) }
        #expect(constant.values == [5])
    }

    @Test func warmUpRampsTheRateLinearly() throws {
        let (trainer, _) = try Self.trainer(options: { $0.warmupSteps = 4; $0.schedule = .constant })
        #expect(abs(trainer.scheduledRate(nil, step: 0) - 2e-3 * 0.25) < 1e-9)
        #expect(abs(trainer.scheduledRate(nil, step: 3) - 2e-3) < 1e-9)
        #expect(abs(trainer.scheduledRate(nil, step: 100) - 2e-3) < 1e-9)
    }

    @Test func cosineEndsAtTheFinalFraction() throws {
        let (trainer, _) = try Self.trainer(options: { $0.schedule = .cosine; $0.finalRateFraction = 0.05 })
        #expect(abs(trainer.scheduledRate(1, step: 50) - 2e-3 * 0.05) < 1e-9)
        #expect(abs(trainer.scheduledRate(0, step: 50) - 2e-3) < 1e-9)
        #expect(abs(trainer.scheduledRate(0.5, step: 50) - 2e-3 * 0.525) < 1e-9)
    }

    /// With averaging the model file holds the average, and the checkpoint restores it.
    @Test func theSavedModelIsTheAverageAndResumeRestoresIt() throws {
        let (trainer, folder) = try Self.trainer(options: { $0.averaging = 0.9; $0.maxEpochs = 1; $0.validationSteps = [] })
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try trainer.run(progress: { _ in }, shouldStop: { false })
        let saved = try Model.load(path: trainer.paths.model)
        let average = try #require(trainer.average)
        #expect(average.updates == trainer.position.step && average.updates > 3)
        #expect(saved.parameters == average.values)
        #expect(saved.parameters != trainer.model.parameters)
        let checkpoint = try #require(try TrainingCheckpoint.load(paths: trainer.paths))
        #expect(checkpoint.averageValues == average.values)
        #expect(checkpoint.position.averageUpdates == average.updates)
        var options = trainer.options
        options.maxEpochs = 2
        let resumed = Trainer(model: checkpoint.model, train: trainer.train, validation: trainer.validation, options: options,
                              paths: trainer.paths, resume: checkpoint)
        #expect(resumed.average?.values == average.values && resumed.average?.updates == average.updates)
    }

    /// A small text trainer writing into a fresh temporary folder.
    static func trainer(options change: (inout TrainingOptions) -> Void) throws -> (Trainer, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baton-optimisation-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let text = Array(String(repeating: "the quick brown fox jumps over the lazy dog. ", count: 40).utf8)
        var options = TrainingOptions()
        options.batchSize = 4
        options.window = 16
        options.threads = 1
        change(&options)
        let corpus = TextCorpus(path: "fox.txt", bytes: text)
        let (head, tail) = corpus.split(validationFraction: 0.1)
        let train = try TextBatches(bytes: head, steps: options.window, rows: options.batchSize, path: "fox.txt", what: "training")
        let validation = try TextBatches(bytes: tail, steps: options.window, rows: options.batchSize, path: "fox.txt", what: "validation")
        var rng = SeededGenerator(seed: 1)
        let model = Model.initialised(.text(layers: 1, units: 8, embedding: 4), using: &rng)
        let trainer = Trainer(model: model, train: train, validation: validation, options: options,
                              paths: TrainingPaths(model: folder.appendingPathComponent("fox.safetensors").path))
        return (trainer, folder)
    }
}
