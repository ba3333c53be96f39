import BatonCore
@testable import BatonTraining
import Foundation
import Testing

@Suite struct CheckpointValidationTests {
    static let config = ModelConfig(kind: .control, inputSize: 2, layers: 1, units: 3, head: .mixtureDensity(dims: 2, mixtures: 2, sigma: .elu))

    /// Writes a real checkpoint through the trainer (Adam unless told), returns its paths.
    static func checkpoint(_ name: String, optimizer: OptimizerKind = .adam) throws -> TrainingPaths {
        var rng = SeededGenerator(seed: 5)
        let model = Model.initialised(config, using: &rng)
        let set = SequenceSet(dims: 2, values: (0..<40).map { Float($0 % 7) / 7 }, offsets: [0, 20])
        let windows = SequenceWindows(set: set, steps: 4, rows: 2, random: false)
        var options = TrainingOptions()
        options.optimizer = optimizer
        let paths = TrainingPaths(model: trainingTestPath("\(name).safetensors"))
        let trainer = Trainer(model: model, train: windows, validation: windows, options: options, paths: paths)
        try trainer.saveCheckpoint()
        try model.save(to: paths.model)
        return paths
    }

    /// The checkpoint at `paths` rewritten by `change` (tensors by name, metadata).
    static func rewrite(_ paths: TrainingPaths, _ change: (inout [String: (shape: [Int], values: [Float], dtype: TensorDType)], inout [String: String]) -> Void) throws {
        let file = try SafeTensorsFile(bytes: readFileBytes(paths.state))
        var tensors = file.tensors.mapValues { _ in (shape: [Int](), values: [Float](), dtype: TensorDType.f32) }
        for (name, tensor) in file.tensors { tensors[name] = (tensor.shape, file.floats(name) ?? [], tensor.dtype) }
        var metadata = file.metadata
        change(&tensors, &metadata)
        var writer = SafeTensorsWriter(metadata: metadata)
        for (name, t) in tensors.sorted(by: { $0.key < $1.key }) { writer.add(name, shape: t.shape, values: t.values, dtype: t.dtype) }
        try writeAtomically(writer.encode(), to: paths.state)
    }

    /// A position JSON as the trainer writes it, changed by `change`.
    static func position(_ change: (inout TrainingPosition) -> Void) -> String {
        var position = TrainingPosition(learningRate: 0.002)
        change(&position)
        return String(decoding: (try? JSONEncoder().encode(position)) ?? Data(), as: UTF8.self)
    }

    static func refusal(_ paths: TrainingPaths) -> String? {
        do {
            _ = try TrainingCheckpoint.load(paths: paths)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func aCheckpointLoadsBackAsSaved() throws {
        let paths = try Self.checkpoint("round-trip")
        let checkpoint = try #require(try TrainingCheckpoint.load(paths: paths, resuming: Self.config))
        #expect(checkpoint.model.config == Self.config && checkpoint.optimizer.kind == .adam)
        #expect(checkpoint.optimizer.firstMoment.count == checkpoint.model.parameters.count)
    }

    /// The bug in issue 10: without its first moment an Adam checkpoint loaded as an empty
    /// array, and the optimiser then wrote past it. It is refused before anything runs.
    @Test func checkpointWithoutItsFirstMomentIsRefusedBeforeTheOptimiserRuns() throws {
        let paths = try Self.checkpoint("no-first-moment")
        try Self.rewrite(paths) { tensors, _ in tensors["optimizer.first_moment"] = nil }
        #expect(Self.refusal(paths)?.contains("'optimizer.first_moment' is missing") == true)
    }

    @Test func everyTensorIsCheckedByNameShapeAndDType() throws {
        let cases: [(String, (inout [String: (shape: [Int], values: [Float], dtype: TensorDType)], inout [String: String]) -> Void)] = [
            ("has shape", { t, _ in t["optimizer.second_moment"] = ([3], [0, 0, 0], .f32) }),
            ("checkpoints hold F32 only", { t, _ in t["optimizer.second_moment"]?.dtype = .f16 }),
            ("unexpected tensor 'extra'", { t, _ in t["extra"] = ([1], [0], .f32) }),
            ("negative values", { t, _ in t["optimizer.second_moment"]?.values[0] = -1 }),
            ("NaN or infinity", { t, _ in t["optimizer.first_moment"]?.values[1] = .nan }),
            ("has no tensor 'head.bias'", { t, _ in t["head.bias"] = nil }),
            ("names no optimiser", { _, m in m["optimizer"] = "sgd" }),
            ("step = -3 is out of range", { _, m in m["training_state"] = Self.position { $0.step = -3 } }),
            ("learning rate 0.0", { _, m in m["training_state"] = Self.position { $0.learningRate = 0 } }),
            ("seconds = -1.0 is not a duration", { _, m in m["training_state"] = Self.position { $0.seconds = -1 } }),
            ("'training_state' is missing", { _, m in m["training_state"] = nil }),
        ]
        for (expected, change) in cases {
            let paths = try Self.checkpoint("tampered")
            try Self.rewrite(paths, change)
            let message = Self.refusal(paths)
            #expect(message?.contains(expected) == true, "\(expected): \(message ?? "loaded")")
        }
    }

    @Test func anRMSPropCheckpointHasNoFirstMoment() throws {
        let paths = try Self.checkpoint("rmsprop", optimizer: .rmsprop)
        #expect(try TrainingCheckpoint.load(paths: paths)?.optimizer.firstMoment.isEmpty == true)
        try Self.rewrite(paths) { t, _ in t["optimizer.first_moment"] = t["optimizer.second_moment"] }
        #expect(Self.refusal(paths)?.contains("unexpected tensor 'optimizer.first_moment'") == true)
    }

    @Test func aCheckpointOfAnotherArchitectureThanTheModelIsRefused() throws {
        let paths = try Self.checkpoint("other-architecture")
        let other = ModelConfig(kind: .control, inputSize: 2, layers: 2, units: 3, head: .mixtureDensity(dims: 2, mixtures: 2, sigma: .elu))
        #expect {
            try TrainingCheckpoint.load(paths: paths, resuming: other)
        } throws: { ($0 as? TrainingError)?.message.contains("holds a control LSTM 1×3") == true }
    }

    @Test func aTruncatedCheckpointIsRefused() throws {
        let paths = try Self.checkpoint("truncated")
        let bytes = try readFileBytes(paths.state)
        try writeAtomically(Array(bytes.prefix(bytes.count - 10)), to: paths.state)
        #expect(Self.refusal(paths)?.contains("truncated") == true)
    }

    @Test func damagedMetricsAreSkippedNotTrusted() {
        let log = MetricsLog(csv: """
        step,epoch,seconds,train_nll,validation_nll,learning_rate
        10,0.5,1.0,2.0,,0.002
        9223372036854775807,1,2,nan,inf,0.002
        5,0.2,1,1,1,0.002
        20,1.0,2.0,nan,1.5,0.002
        30,1.5,3.0,1.0,1.2,0.002
        """, upToStep: 20)
        #expect(log.rows.map(\.step) == [10, 20] && log.rows[1].trainLoss == nil && log.rows[1].validationLoss == 1.5)
        #expect(LossCurve.svg(log, title: "t").hasPrefix("<svg"))
    }
}

@Suite struct TrainingSettingsTests {
    @Test func nonsenseOptionsAreRefusedByName() {
        func refusal(_ change: (inout TrainingOptions) -> Void) -> String? {
            var options = TrainingOptions()
            change(&options)
            do { try options.validate(); return nil } catch { return error.message }
        }
        #expect(refusal { _ in } == nil)
        #expect(refusal { $0.validateEvery = 0 }?.contains("validate-every = 0") == true)
        #expect(refusal { $0.batchSize = 0 }?.contains("batch = 0") == true)
        #expect(refusal { $0.batchSize = 4096; $0.window = 4096 }?.contains("batch × window") == true)
        #expect(refusal { $0.learningRate = .infinity }?.contains("lr = inf") == true)
        #expect(refusal { $0.clipNorm = .nan }?.contains("clip = nan") == true)
        #expect(refusal { $0.maxMinutes = -1 }?.contains("minutes = -1.0") == true)
        #expect(refusal { $0.patience = 0 }?.contains("patience = 0") == true)
        #expect(refusal { $0.threads = 0 }?.contains("threads = 0") == true)
        #expect(refusal { $0.dropout = 1 }?.contains("dropout = 1.0") == true)
    }

    /// `--validate-every 0` used to reach `step % 0` inside the training loop.
    @Test func theTrainerRefusesValidateEveryZeroBeforeItStarts() throws {
        let set = SequenceSet(dims: 2, values: (0..<40).map { Float($0) / 40 }, offsets: [0, 20])
        let windows = SequenceWindows(set: set, steps: 4, rows: 2, random: false)
        var rng = SeededGenerator(seed: 1)
        var options = TrainingOptions()
        options.validateEvery = 0
        let trainer = Trainer(model: Model.initialised(CheckpointValidationTests.config, using: &rng), train: windows, validation: windows,
                              options: options, paths: TrainingPaths(model: trainingTestPath("never.safetensors")))
        #expect(throws: TrainingError.self) { try trainer.run(progress: { _ in }, shouldStop: { false }) }
    }

    @Test func architecturesOutsideTheLimitsAreRefusedBeforeAModelIsBuilt() {
        let set = SequenceSet(dims: 2, values: (0..<80).map { Float($0 % 9) }, offsets: [0, 20, 40])
        for (units, mixtures) in [(0, 5), (64, 0), (64, 100_000), (100_000, 5)] {
            #expect(throws: TrainingError.self, "units \(units), mixtures \(mixtures)") {
                try ContinuousTrainingPlan.make(kind: .control, data: set, ownValidation: nil, path: "d.npz",
                                                preset: SizePreset(name: "x", layers: 2, units: units, dropout: 0), mixtures: mixtures,
                                                splitPause: 5, options: TrainingOptions(), metadata: [:], start: nil)
            }
        }
        #expect(throws: DataError.self) {
            try ControlData.prepare(set, path: "d.npz", splitPause: .nan)
        }
    }
}
