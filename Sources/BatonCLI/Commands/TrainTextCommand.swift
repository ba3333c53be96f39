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

    @Option(name: .long, help: "Learn an embedding of this width instead of one-hot input.")
    var embedding: Int?

    func run() throws {
        let preset = try training.preset(for: .text, default: "m")
        try ArchitectureLimits.check(layers: preset.layers, units: preset.units, embedding: embedding)
        let options = try training.options(preset: preset, defaultBatch: 64, defaultWindow: 128)
        let text = try TextCorpus.load(path: corpus)
        let (head, tail) = text.split(validationFraction: options.validationFraction)
        let train = try TextBatches(bytes: head, steps: options.window, rows: options.batchSize, path: corpus, what: "training part")
        let validation = try TextBatches(bytes: tail, steps: options.window, rows: options.batchSize, path: corpus,
                                         what: "validation tail (--validation \(options.validationFraction))")
        var rng = SeededGenerator(seed: options.seed)
        var model = Model.initialised(.text(layers: preset.layers, units: preset.units, embedding: embedding), using: &rng)
        model.metadata = training.provenance(dataPath: corpus, size: preset.name)
        let start = try TrainingStart.resolve(fresh: model, resume: training.resume, kind: .text)
        let trainer = Trainer(model: start.model, train: train, validation: validation, options: options,
                              paths: TrainingPaths(model: training.out), resume: start.checkpoint)
        Terminal.writeError("""
        training \(start.model.displayName): \(start.model.config.description), \(Terminal.grouped(Double(start.model.config.parameterCount))) parameters
          data \(corpus): \(Terminal.grouped(Double(head.count))) bytes for training, \(Terminal.grouped(Double(tail.count))) for validation
          \(train.rows) streams × \(train.steps) steps, \(train.batchesPerEpoch) batches per epoch, dropout \(options.dropout), \(options.optimizer.rawValue) lr \(options.learningRate) (\(options.schedule.rawValue)), \(options.threads) threads

        """)
        try TrainingRun.execute(trainer, unit: "chars")
    }
}

/// A fresh model, or the one (and the checkpoint) named by --resume.
struct TrainingStart {
    var model: Model
    var checkpoint: TrainingCheckpoint?

    static func resolve(fresh: Model, resume: String?, kind: ModelKind) throws -> TrainingStart {
        guard let resume else { return TrainingStart(model: fresh, checkpoint: nil) }
        let paths = TrainingPaths(model: resume)
        // The model file, when there is one, says which architecture the checkpoint must have.
        let model = FileManager.default.fileExists(atPath: resume) ? try Model.load(path: resume) : nil
        if let checkpoint = try TrainingCheckpoint.load(paths: paths, resuming: model?.config) {
            guard checkpoint.model.config.kind == kind else {
                throw TrainingError.resumeMismatch(path: resume, reason: "it is a \(checkpoint.model.config.kind.rawValue) model")
            }
            Terminal.writeError("resuming from \(paths.state) at step \(checkpoint.position.step)\n")
            return TrainingStart(model: checkpoint.model, checkpoint: checkpoint)
        }
        guard let model else { throw ModelFileError.unreadable(path: resume, reason: "no such file, and no \(paths.state) beside it") }
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
