import ArgumentParser
import BatonCore
import BatonTraining
import Foundation

struct TrainControlCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "control",
        abstract: "Train a mixture-density model on controller data (IMPS: dt first, then controls).",
        discussion: """
        DATA is an .npz of sequences (data [N, D] + lengths), a CSV with a header row (one event
        per row, dt in seconds first), or a folder of IMPS session logs.
        Sizes (2 layers unless noted): \(SizePreset.continuous.map { "\($0.name) \($0.layers)×\($0.units)" }.joined(separator: ", ")).
        Pauses longer than --split-pause seconds end a take: the sequence is split there (see docs/models.md).

        Example: baton train control ../shared/datasets/control/impsy-4d.npz --size s --out impsy.safetensors
        """
    )

    @Argument(help: "Control data: .npz, .csv or a folder of session logs.")
    var data: String

    @OptionGroup var training: TrainingArguments

    @Option(name: .long, help: "Mixture components.")
    var mixtures: Int = 5

    @Option(name: .customLong("split-pause"), help: "A dt longer than this many seconds starts a new take.")
    var splitPause: Float = 5

    func validate() throws {
        guard mixtures >= 1 else { throw ValidationError("--mixtures must be ≥ 1") }
        guard splitPause > 0 else { throw ValidationError("--split-pause must be > 0") }
    }

    func run() throws {
        let input = try ContinuousDataInput.load(data)
        let prepare = { (set: SequenceSet) throws -> SequenceSet in try ControlData.prepare(set, path: data, splitPause: splitPause) }
        try ContinuousTraining.run(kind: .control, data: data, input: input, prepare: prepare,
                                   normalisation: ControlData.normalisation, head: { .mixtureDensity(dims: $0, mixtures: mixtures, sigma: .elu) },
                                   training: training, defaultSize: "s", defaultWindow: 50,
                                   extraMetadata: ["split_pause": String(splitPause)])
    }
}

struct TrainStrokesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "strokes",
        abstract: "Train a handwriting or sketch model on pen strokes (stroke-3: dx, dy, pen lifted).",
        discussion: """
        DATA is an .npz of stroke-3 sequences (data [N, 3] + lengths, or train_/valid_ splits).
        The model outputs --mixtures bivariate Gaussians and a pen state (Graves 2013; Ha 2017).

        Example: baton train strokes ../shared/datasets/strokes/kanji.npz --size m --out kanji.safetensors
        """
    )

    @Argument(help: "Stroke data (.npz).")
    var data: String

    @OptionGroup var training: TrainingArguments

    @Option(name: .long, help: "Mixture components.")
    var mixtures: Int = 20

    @Option(name: .customLong("y-axis"), help: "Which way y points in the data: down (screen, sketch-rnn) or up (tablets, UNIPEN).")
    var yAxis: String = "down"

    func validate() throws {
        guard mixtures >= 1 else { throw ValidationError("--mixtures must be ≥ 1") }
        guard yAxis == "up" || yAxis == "down" else { throw ValidationError("--y-axis must be up or down, got '\(yAxis)'") }
    }

    func run() throws {
        let input = try ContinuousDataInput.load(data)
        let prepare = { (set: SequenceSet) throws -> SequenceSet in try StrokeData.prepare(set, path: data) }
        let lengths = (0..<input.train.sequenceCount).map { input.train.length($0) }.sorted()
        try ContinuousTraining.run(kind: .strokes, data: data, input: input, prepare: prepare,
                                   normalisation: StrokeData.normalisation, head: { _ in .strokes(mixtures: mixtures) },
                                   training: training, defaultSize: "m", defaultWindow: 100,
                                   extraMetadata: ["y_axis": yAxis, "typical_length": String(lengths[lengths.count / 2])])
    }
}

/// What control and stroke training share: split, normalise, build, train.
enum ContinuousTraining {
    static func run(
        kind: ModelKind, data: String, input: ContinuousDataInput.Loaded, prepare: (SequenceSet) throws -> SequenceSet,
        normalisation: (SequenceSet) -> Normalisation, head: (Int) -> OutputHead,
        training: TrainingArguments, defaultSize: String, defaultWindow: Int, extraMetadata: [String: String]
    ) throws {
        let preset = try SizePreset.named(training.size ?? defaultSize, for: kind)
        let options = training.options(preset: preset, defaultBatch: 64, defaultWindow: defaultWindow)
        let all = try prepare(input.train)
        let (train, validation): (SequenceSet, SequenceSet)
        if let own = input.validation {
            (train, validation) = (all, try prepare(own))
        } else {
            (train, validation) = all.split(validationFraction: options.validationFraction)
        }
        guard train.sequenceCount > 0, validation.sequenceCount > 0 else {
            throw DataError.tooShort(path: data, bytes: all.predictedEvents, needed: 4, what: "the data (events with a successor, after preparation)")
        }
        var rng = SeededGenerator(seed: options.seed)
        var model = Model.initialised(ModelConfig(kind: kind, inputSize: train.dims, layers: preset.layers, units: preset.units, head: head(train.dims)), using: &rng)
        model.normalisation = normalisation(train)
        model.metadata = training.provenance(dataPath: data, size: preset.name).merging(extraMetadata) { $1 }
        if kind == .control {
            var range = ValueRange(minimum: [Float](repeating: .greatestFiniteMagnitude, count: train.dims), maximum: [Float](repeating: -.greatestFiniteMagnitude, count: train.dims))
            for (i, v) in train.values.enumerated() {
                range.minimum[i % train.dims] = min(range.minimum[i % train.dims], v)
                range.maximum[i % train.dims] = max(range.maximum[i % train.dims], v)
            }
            model.metadata[ValueRange.key] = range.json
        }
        let start = try TrainingStart.resolve(fresh: model, resume: training.resume, kind: kind)
        guard start.model.config.inputSize == train.dims else {
            throw DataError.dimensionMismatch(path: data, expected: start.model.config.inputSize, found: train.dims)
        }
        let n = start.model.normalisation ?? .identity(dims: train.dims)
        let trainWindows = SequenceWindows(set: train.normalised(n), steps: options.window, rows: options.batchSize, random: true)
        let validationWindows = SequenceWindows(set: validation.normalised(n), steps: options.window, rows: options.batchSize, random: false)
        let trainer = Trainer(model: start.model, train: trainWindows, validation: validationWindows, options: options,
                              paths: TrainingPaths(model: training.out), resume: start.checkpoint)
        Terminal.writeError("""
        training \(start.model.displayName): \(describe(start.model.config)), \(Terminal.grouped(Double(start.model.config.parameterCount))) parameters
          data \(data) (\(input.description)): \(train.sequenceCount) sequences / \(Terminal.grouped(Double(train.eventCount))) events for training, \(validation.sequenceCount) / \(Terminal.grouped(Double(validation.eventCount))) for validation
          windows of \(trainWindows.steps) × \(trainWindows.rows), \(trainWindows.batchesPerEpoch) batches per epoch, dropout \(options.dropout), \(options.optimizer.rawValue) lr \(options.learningRate) (\(options.schedule.rawValue)), \(options.threads) threads
          validation loss is nats per event in model units; `baton eval` reports data units

        """)
        try TrainingRun.execute(trainer, unit: "events")
    }
}
