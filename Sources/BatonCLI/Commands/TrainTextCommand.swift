import ArgumentParser
import BatonCore
import BatonTraining
import Foundation

struct TrainTextCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "text",
        abstract: "Train a character-level (UTF-8 byte) model on a text file.",
        discussion: """
        Sizes: \(SizePreset.text.map { "\($0.name) = \($0.layers)×\($0.units) (\(Terminal.grouped(Double(ModelConfig.text(layers: $0.layers, units: $0.units).parameterCount))) parameters)" }.joined(separator: ", ")). The last 10 % of the file (--validation) is held out for validation.

        Example: baton train text ../shared/datasets/text/shakespeare.txt --size m --minutes 30 --out shakespeare.safetensors
        """
    )

    @Argument(help: "A UTF-8 text file to learn from.")
    var corpus: String

    @OptionGroup var training: TrainingArguments

    @Option(name: .long, help: "Width of the learned byte embedding; 0 for one-hot input (default: the size preset's). Free at run time: the model folds it into a table when it loads.")
    var embedding: Int?

    @Option(name: .customLong("symbol-dropout"), help: "Drop whole bytes from the input for a window (embedding dropout; default: the size preset's).")
    var symbolDropout: Float?

    func run() throws {
        let preset = try training.preset(for: .text, default: "m")
        // --embedding 0 asks for one-hot input.
        try ArchitectureLimits.check(layers: preset.layers, units: preset.units, embedding: embedding == 0 ? nil : embedding)
        var options = try training.options(preset: preset, defaultBatch: 64, defaultWindow: 128)
        if let symbolDropout { options.symbolDropout = symbolDropout }
        try options.validate()
        let text = try TextCorpus.load(path: corpus)
        let (head, tail) = text.split(validationFraction: options.validationFraction)
        let train = try TextBatches(bytes: head, steps: options.window, rows: options.batchSize, path: corpus, what: "training part")
        let validation = try TextBatches(bytes: tail, steps: options.window, rows: options.batchSize, path: corpus,
                                         what: "validation tail (--validation \(options.validationFraction))")
        var rng = SeededGenerator(seed: options.seed)
        let width = embedding.map { $0 > 0 ? $0 : nil } ?? preset.embedding
        var model = Model.initialised(.text(layers: preset.layers, units: preset.units, embedding: width), using: &rng)
        model.metadata = training.provenance(dataPath: corpus, size: preset.name)
        let start = try TrainingStart.resolve(fresh: model, resume: training.resume, out: training.out, kind: .text)
        let trainer = Trainer(model: start.model, train: train, validation: validation, options: options,
                              paths: TrainingPaths(model: training.out), resume: start.checkpoint)
        Terminal.writeError("""
        training \(start.model.displayName): \(start.model.config.description), \(Terminal.grouped(Double(start.model.config.parameterCount))) parameters
          data \(corpus): \(Terminal.grouped(Double(head.count))) bytes for training, \(Terminal.grouped(Double(tail.count))) for validation
          \(train.rows) streams × \(train.steps) steps, \(train.batchesPerEpoch) batches per epoch, \(options.optimizer.rawValue) lr \(options.learningRate) (\(options.schedule.rawValue)), \(options.threads) threads
          \(describeRegularisation(options))

        """)
        try TrainingRun.execute(trainer, unit: "chars")
    }
}

/// The regularisation a run uses, in one line.
func describeRegularisation(_ o: TrainingOptions) -> String {
    var parts = ["dropout \(o.dropout)\(o.lockedDropout ? " (locked)" : "")"]
    if o.weightDrop > 0 { parts.append("weight drop \(o.weightDrop)") }
    if o.symbolDropout > 0 { parts.append("symbol dropout \(o.symbolDropout)") }
    if o.weightDecay > 0 { parts.append("weight decay \(o.weightDecay)") }
    if o.averaging > 0 { parts.append("weight average \(o.averaging)") }
    if o.warmupSteps > 0 { parts.append("warm-up \(o.warmupSteps) steps") }
    return parts.joined(separator: ", ")
}

func describe(_ config: ModelConfig) -> String {
    let input: String
    switch config.kind {
    case .text: input = config.embedding.map { "embedding \($0)" } ?? "one-hot 256"
    case .control: input = "\(config.inputSize) dims"
    case .strokes: input = "strokes (dx, dy, pen)"
    }
    let head: String
    switch config.head {
    case .categorical(let v): head = "softmax \(v)"
    case .mixtureDensity(let d, let k, let s): head = "\(k) Gaussians over \(d) dims (σ \(s.rawValue))"
    case .strokes(let k): head = "\(k) bivariate Gaussians + pen"
    }
    return "\(config.kind.rawValue) LSTM \(config.layers)×\(config.units), \(input) → \(head)"
}
