import ArgumentParser
import BatonCore
import BatonTraining
import Foundation

/// `--adapt-to FILE` for the text generators (`baton sample`, `baton ensemble`): each text
/// model reads the file with dynamic evaluation before generating, so a shipped style leans
/// towards the user's own text in seconds, without a training run. The file's last
/// `primeBytes` then prime the state, so generation continues in the file's voice.
struct AdaptToArguments: ParsableArguments {
    @Option(name: .customLong("adapt-to"), help: ArgumentHelp("A text file each model adapts to (dynamic evaluation) before generating.", valueName: "file"))
    var file: String?

    @OptionGroup var adaptation: AdaptationArguments

    /// How much of the file's end primes the state after adapting.
    static let primeBytes = 4096

    func validate() throws {
        if adaptation.anyGiven && file == nil {
            throw CommandLineError(message: "--adapt-rate, --adapt-segment and --adapt-decay only apply with --adapt-to", hint: "add --adapt-to FILE")
        }
    }

    /// The file's bytes, checked: at least two (one prediction to learn from).
    func text() throws -> [UInt8]? {
        guard let file else { return nil }
        let bytes = try readFileBytes(file, maximumBytes: TextCorpus.maximumBytes)
        guard bytes.count >= 2 else {
            throw CommandLineError(message: "\(file) has \(bytes.count) byte(s); adapting needs at least 2", hint: "give --adapt-to a text of a few kilobytes or more")
        }
        return bytes
    }

    /// `model` adapted to `bytes` (f32 weights), with one line on stderr saying how it went.
    func adapt(_ model: Model, to bytes: [UInt8]) throws -> Model {
        let options = try adaptation.options(for: model.config.kind)
        let evaluator = DynamicEvaluator(model: model, options: options)
        let line = ProgressLine(), started = Date()
        let total = evaluator.read(text: bytes) { fraction in
            let elapsed = Date().timeIntervalSince(started)
            guard elapsed >= 2, fraction > 0, fraction < 1 else { return }
            line.update(String(format: "adapting %@ to %@ %3.0f%%, ETA %@", model.displayName, file ?? "", fraction * 100,
                               Terminal.duration(elapsed * (1 - fraction) / fraction)))
        }
        if Terminal.stderrIsTerminal { Terminal.writeError("\r\u{1B}[K") }
        Terminal.writeError(String(format: "%@ adapted to %@: %@ bytes in %.1f s, %.3f nats/char while learning, weights moved %.2f %%\n",
                                   model.displayName, file ?? "", Terminal.grouped(Double(bytes.count)), Date().timeIntervalSince(started),
                                   total / Double(bytes.count - 1), evaluator.relativeDistance * 100))
        return evaluator.adaptedModel(from: model)
    }

    /// The end of the adaptation text, to prime with.
    static func primeTail(_ bytes: [UInt8]) -> [UInt8] { Array(bytes.suffix(primeBytes)) }
}
