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

    func validate() throws {
        guard embedding.map({ (0...4096).contains($0) }) ?? true else { throw ValidationError("--embedding must be 0–4096, got \(embedding!)") }
        guard symbolDropout.map({ $0 >= 0 && $0 < 1 }) ?? true else {
            throw ValidationError("--symbol-dropout must be in [0, 1), got \(symbolDropout!)")
        }
    }

    func run() throws {
        let preset = try training.preset(for: .text, default: "m")
        var options = training.options(preset: preset, defaultBatch: 64, defaultWindow: 128)
        if let symbolDropout { options.symbolDropout = symbolDropout }
        let text = try TextCorpus.load(path: corpus)
        let (head, tail) = text.split(validationFraction: options.validationFraction)
        let train = try TextBatches(bytes: head, steps: options.window, rows: options.batchSize, path: corpus, what: "training part")
        let validation = try TextBatches(bytes: tail, steps: options.window, rows: options.batchSize, path: corpus,
                                         what: "validation tail (--validation \(options.validationFraction))")
        var rng = SeededGenerator(seed: options.seed)
        let width = embedding.map { $0 > 0 ? $0 : nil } ?? preset.embedding
        var model = Model.initialised(.text(layers: preset.layers, units: preset.units, embedding: width), using: &rng)
        model.metadata = training.provenance(dataPath: corpus, size: preset.name)
        let start = try TrainingStart.resolve(fresh: model, resume: training.resume, kind: .text)
        let trainer = Trainer(model: start.model, train: train, validation: validation, options: options,
                              paths: TrainingPaths(model: training.out), resume: start.checkpoint)
        Terminal.writeError("""
        training \(start.model.displayName): \(describe(start.model.config)), \(Terminal.grouped(Double(start.model.config.parameterCount))) parameters
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

/// A fresh model, or the one (and the checkpoint) named by --resume.
struct TrainingStart {
    var model: Model
    var checkpoint: TrainingCheckpoint?

    static func resolve(fresh: Model, resume: String?, kind: ModelKind) throws -> TrainingStart {
        guard let resume else { return TrainingStart(model: fresh, checkpoint: nil) }
        if let checkpoint = try TrainingCheckpoint.load(paths: TrainingPaths(model: resume)) {
            guard checkpoint.model.config.kind == kind else {
                throw TrainingError.resumeMismatch(path: resume, reason: "it is a \(checkpoint.model.config.kind.rawValue) model")
            }
            Terminal.writeError("resuming from \(TrainingPaths(model: resume).state) at step \(checkpoint.position.step)\n")
            return TrainingStart(model: checkpoint.model, checkpoint: checkpoint)
        }
        let model = try Model.load(path: resume)
        guard model.config.kind == kind else {
            throw TrainingError.resumeMismatch(path: resume, reason: "it is a \(model.config.kind.rawValue) model")
        }
        Terminal.writeError("continuing from the weights in \(resume) (no checkpoint beside it: fresh optimiser)\n")
        return TrainingStart(model: model, checkpoint: nil)
    }
}

/// Runs a trainer with a live progress line, Ctrl-C handling and a closing summary.
enum TrainingRun {
    static func execute(_ trainer: Trainer, unit: String) throws {
        Interrupt.install()
        if let note = BLASAdvice.note() { Terminal.writeError(note) }
        let line = ProgressLine()
        let summary = try trainer.run(progress: { p in
            var text = String(format: "epoch %d %3.0f%%  step %d  loss %.4f", p.epoch + 1,
                              100 * Double(p.batch) / Double(max(p.batchesPerEpoch, 1)), p.step, p.trainLoss)
            if let v = p.validationLoss { text += String(format: "  val %.4f", v) }
            if let b = p.bestValidationLoss { text += String(format: " (best %.4f)", b) }
            text += "  \(Terminal.grouped(p.symbolsPerSecond)) \(unit)/s  lr \(String(format: "%.1e", p.learningRate))"
            text += "  \(Terminal.duration(p.elapsedSeconds))"
            if let eta = p.remainingSeconds { text += "  ETA \(Terminal.duration(eta))" }
            if p.validated { line.update(text, force: true); line.finish() } else { line.update(text) }
        }, shouldStop: { Interrupt.isRequested })
        line.finish()
        var closing = "stopped: \(summary.reason.rawValue) after \(summary.steps) steps (\(String(format: "%.2f", summary.epochs)) epochs, \(Terminal.duration(summary.elapsedSeconds)))"
        if let best = summary.bestValidationLoss {
            closing += String(format: "; best validation %.4f nats/symbol (%.4f bits)", best, best / log(2))
        }
        Terminal.writeError(closing + "\n")
        let paths = trainer.paths
        if summary.savedModel {
            Terminal.writeError("model \(paths.model)\ncheckpoint \(paths.state)\ncurve \(paths.metrics), \(paths.lossCurve)\n")
        }
    }
}
