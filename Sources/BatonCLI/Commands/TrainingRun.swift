import BatonTraining
import Foundation

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
