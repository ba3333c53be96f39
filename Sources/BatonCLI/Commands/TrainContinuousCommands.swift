import ArgumentParser
import BatonCore
import BatonTraining
import Foundation

struct TrainControlCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "control",
        abstract: "Train a mixture-density model on controller data (IMPS: dt first, then controls).",
        discussion: """
        DATA is an .npz of sequences (data [N, D] + lengths), a CSV with a header row (one event per row, dt in seconds first), or a folder of IMPS session logs.
        Sizes (2 layers unless noted): \(SizePreset.continuous.map { "\($0.name) \($0.layers)×\($0.units)" }.joined(separator: ", ")). Pauses longer than --split-pause seconds end a take: the sequence is split there (see docs/models.md).

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

    func run() throws {
        try ContinuousTraining.run(kind: .control, data: data, input: try ContinuousDataInput.load(data), mixtures: mixtures,
                                   splitPause: splitPause, training: training, defaultSize: "s", defaultWindow: 50, extraMetadata: [:])
    }
}

struct TrainStrokesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "strokes",
        abstract: "Train a handwriting or sketch model on pen strokes (stroke-3: dx, dy, pen lifted).",
        discussion: """
        DATA is an .npz of stroke-3 sequences (data [N, 3] + lengths, or train_/valid_ splits). The model outputs --mixtures bivariate Gaussians and a pen state (Graves 2013; Ha 2017).

        Example: baton train strokes ../shared/datasets/strokes/kanji.npz --size m --out kanji.safetensors
        """
    )

    @Argument(help: "Stroke data (.npz).")
    var data: String

    @OptionGroup var training: TrainingArguments

    @Option(name: .long, help: "Mixture components.")
    var mixtures: Int = 20

    @Option(name: .customLong("y-axis"), help: "Which way y points in the data: down (screen, sketch-rnn) or up (tablets, UNIPEN). Up data is flipped, so every stroke model draws in screen coordinates and any two can be mixed.")
    var yAxis: String = "down"

    func validate() throws {
        guard yAxis == "up" || yAxis == "down" else { throw ValidationError("--y-axis must be up or down, got '\(yAxis)'") }
    }

    func run() throws {
        var input = try ContinuousDataInput.load(data)
        if yAxis == "up" {
            input.train = input.train.negating(dimension: 1)
            input.validation = input.validation?.negating(dimension: 1)
        }
        try ContinuousTraining.run(kind: .strokes, data: data, input: input, mixtures: mixtures, splitPause: 0, training: training,
                                   defaultSize: "m", defaultWindow: 100, extraMetadata: ["y_axis": "down", "data_y_axis": yAxis])
    }
}

/// What control and stroke training share: the plan, then the trainer with progress.
enum ContinuousTraining {
    static func run(
        kind: ModelKind, data: String, input: ContinuousDataInput.Loaded, mixtures: Int, splitPause: Float,
        training: TrainingArguments, defaultSize: String, defaultWindow: Int, extraMetadata: [String: String]
    ) throws {
        let preset = try training.preset(for: kind, default: defaultSize)
        let options = try training.options(preset: preset, defaultBatch: 64, defaultWindow: defaultWindow)
        var start: TrainingStart?
        if training.resume != nil {
            start = try TrainingStart.resolve(fresh: Model(zeroed: .text(layers: 1, units: 1)), resume: training.resume, out: training.out, kind: kind)
        }
        let plan = try ContinuousTrainingPlan.make(
            kind: kind, data: input.train, ownValidation: input.validation, path: data, preset: preset, mixtures: mixtures,
            splitPause: splitPause, options: options,
            metadata: training.provenance(dataPath: data, size: preset.name).merging(extraMetadata) { $1 }, start: start?.model)
        let trainer = Trainer(model: plan.model, train: plan.trainWindows, validation: plan.validationWindows, options: options,
                              paths: TrainingPaths(model: training.out), resume: start?.checkpoint)
        let (train, validation) = (plan.train, plan.validation)
        Terminal.writeError("""
        training \(plan.model.displayName): \(plan.model.config.description), \(Terminal.grouped(Double(plan.model.config.parameterCount))) parameters
          data \(data) (\(input.description)): \(train.sequenceCount) sequences / \(Terminal.grouped(Double(train.eventCount))) events for training, \(validation.sequenceCount) / \(Terminal.grouped(Double(validation.eventCount))) for validation
          windows of \(plan.trainWindows.steps) × \(plan.trainWindows.rows), \(plan.trainWindows.batchesPerEpoch) batches per epoch, \(describeRegularisation(options)), \(options.optimizer.rawValue) lr \(options.learningRate) (\(options.schedule.rawValue)), \(options.threads) threads
          validation loss is nats per event in model units; `baton eval` reports data units

        """)
        try TrainingRun.execute(trainer, unit: "events")
    }
}
