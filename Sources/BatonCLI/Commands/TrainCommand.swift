import ArgumentParser
import BatonCore
import BatonTraining
import Foundation

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model on your own data.",
        discussion: """
        Progress shows epoch, step, smoothed training loss, validation loss, throughput and ETA. Every validation checkpoints: NAME.safetensors holds the best weights so far, NAME.state.safetensors the latest weights and optimiser (for --resume), and NAME.metrics.csv / NAME.loss.svg the learning curve. Ctrl-C saves and exits.
        """,
        subcommands: [TrainTextCommand.self, TrainControlCommand.self, TrainStrokesCommand.self]
    )
}

/// Options every `baton train` kind shares.
struct TrainingArguments: ParsableArguments {
    @Option(name: .long, help: "Model size preset (text: s, m, l, xl; control and strokes: xs, s, m, l, xl; see docs/models.md). Default: m (control: s).")
    var size: String?

    @Option(name: .long, help: "Where to write the model (.safetensors).")
    var out: String

    @Option(name: .long, help: "LSTM layers, overriding the size preset.")
    var layers: Int?

    @Option(name: .long, help: "Units per layer, overriding the size preset.")
    var units: Int?

    @Option(name: .long, help: "Stop after this many minutes of training (with --resume: in all, the checkpoint's minutes included).")
    var minutes: Double?

    @Option(name: .long, help: "Stop after this many passes over the training data (with --resume: in all).")
    var epochs: Int?

    @OptionGroup var seed: SeedArguments<TrainingSeed>

    @Option(name: .long, help: "Continue from this model (and its .state.safetensors checkpoint when present).")
    var resume: String?

    @Option(name: .long, help: "Batch rows (parallel streams).")
    var batch: Int?

    @Option(name: .long, help: "Steps of truncated backpropagation through time per window.")
    var window: Int?

    @Option(name: .customLong("lr"), help: "Learning rate (default 0.002; given with --resume, it replaces the checkpoint's).")
    var learningRate: Float?

    @Option(name: .long, help: "Optimiser: adam or rmsprop.")
    var optimizer: String = "adam"

    @Option(name: .long, help: "Learning-rate schedule: constant, cosine (over --minutes/--epochs) or plateau. Default: cosine with a budget, plateau without.")
    var schedule: String?

    @Option(name: .long, help: "Dropout between layers and before the head (default: the size preset's).")
    var dropout: Float?

    @Flag(name: .customLong("locked-dropout"), inversion: .prefixedNo,
          help: "One dropout mask per stream and window (variational) instead of per step (default: the size preset's).")
    var lockedDropout: Bool?

    @Option(name: .customLong("weight-drop"), help: "DropConnect on the recurrent weights, as AWD-LSTM (default: the size preset's).")
    var weightDrop: Float?

    @Option(name: .customLong("weight-decay"), help: "Decoupled weight decay, as AdamW (default: the size preset's).")
    var weightDecay: Float?

    @Option(name: .long, help: "Keep a moving average of the weights with this decay per step and save it as the model (0 = off; default: the size preset's).")
    var average: Double?

    @Option(name: .long, help: "Raise the learning rate linearly over this many first steps.")
    var warmup: Int?

    @Option(name: .long, help: "Clip the global gradient norm to this (0 = off).")
    var clip: Float = 5

    @Option(name: .long, help: "Fraction of the data held out for validation.")
    var validation: Double = 0.1

    @Option(name: .customLong("validate-every"), help: "Validate and checkpoint every N steps (default: twice an epoch, at most every 500, and rarely enough that validation takes at most about a tenth of the time).")
    var validateEvery: Int?

    @Option(name: .long, help: "Stop after this many validations without improvement.")
    var patience: Int = 6

    @Option(name: .long, help: "Threads for matrix products.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(name: .customLong("float16"), help: "Store the model's weights as Float16 (half the file size).")
    var float16 = false

    @Option(name: .long, help: "Display name stored in the model (default: the data file's name).")
    var name: String?

    @Option(name: .long, help: "Display colour stored in the model, as #rrggbb.")
    var colour: String?

    /// Names are checked here; numbers by the library (`TrainingOptions.validate`,
    /// `ArchitectureLimits`), which the Studio's Workshop uses too.
    func validate() throws {
        guard OptimizerKind(rawValue: optimizer) != nil else { throw ValidationError("--optimizer must be adam or rmsprop, got '\(optimizer)'") }
        guard schedule.map({ LearningRateSchedule(rawValue: $0) != nil }) ?? true else {
            throw ValidationError("--schedule must be constant, cosine or plateau, got '\(schedule!)'")
        }
        guard colour.map(ModelStyle.isColour) ?? true else { throw ValidationError("--colour must look like #ff7a45, got '\(colour!)'") }
        guard out.hasSuffix(".safetensors") else { throw ValidationError("--out should end in .safetensors, got '\(out)'") }
        // The numbers, before any data is read (each kind's own defaults are always valid).
        try ArchitectureLimits.check(layers: layers ?? 1, units: units ?? 1)
        _ = try options(preset: SizePreset.text[0], defaultBatch: 1, defaultWindow: 1)
    }

    /// The size preset named by --size (or the default), with --layers and --units applied.
    func preset(for kind: ModelKind, default name: String) throws -> SizePreset {
        var preset = try SizePreset.named(size ?? name, for: kind)
        if let layers { preset.layers = layers }
        if let units { preset.units = units }
        try ArchitectureLimits.check(layers: preset.layers, units: preset.units)
        return preset
    }

    /// The size preset's recipe (`SizePreset.defaultOptions`) with the flags given applied,
    /// validated before any data is read.
    func options(preset: SizePreset, defaultBatch: Int, defaultWindow: Int) throws -> TrainingOptions {
        var o = preset.defaultOptions(budgeted: minutes != nil || epochs != nil)
        o.batchSize = batch ?? defaultBatch
        o.window = window ?? defaultWindow
        if let learningRate { o.learningRate = learningRate }
        o.overrideLearningRate = learningRate != nil
        o.optimizer = OptimizerKind(rawValue: optimizer) ?? .adam
        if let schedule = schedule.flatMap(LearningRateSchedule.init(rawValue:)) { o.schedule = schedule }
        o.clipNorm = clip
        if let dropout { o.dropout = dropout }
        if let lockedDropout { o.lockedDropout = lockedDropout }
        if let weightDrop { o.weightDrop = weightDrop }
        if let weightDecay { o.weightDecay = weightDecay }
        if let average { o.averaging = average }
        if let warmup { o.warmupSteps = warmup }
        o.validationFraction = validation
        o.validateEvery = validateEvery
        o.patience = patience
        o.maxEpochs = epochs
        o.maxMinutes = minutes
        o.seed = seed.resolve()
        o.threads = threads
        o.saveDType = float16 ? .f16 : .f32
        try o.validate()
        return o
    }

    /// Metadata for a new model trained on `dataPath`.
    func provenance(dataPath: String, size: String) -> [String: String] {
        let stem = URL(fileURLWithPath: dataPath).deletingPathExtension().lastPathComponent
        let displayName = name ?? stem
        return [
            MetadataKey.name: displayName,
            MetadataKey.colour: colour ?? ModelStyle.defaultColour(for: displayName),
            MetadataKey.corpus: URL(fileURLWithPath: dataPath).lastPathComponent,
            "size": size,
        ]
    }
}
