import ArgumentParser
import BatonCore
import Foundation

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Mean negative log-likelihood of a file under a model.",
        discussion: """
        From the zero state, the first symbol only input: a file of N bytes gives N − 1
        predictions. Prints nats and bits per symbol; --json prints one object with keys
        nats_per_symbol, bits_per_symbol and symbols.
        """
    )

    @Argument(help: "A model (.safetensors).")
    var model: String

    @Argument(help: "The data to score: a text file for text models.")
    var file: String

    @Flag(name: .long, help: "Print one JSON object instead of a sentence.")
    var json = false

    func run() throws {
        let loaded = try Model.load(path: model)
        let result: EvaluationResult
        switch loaded.config.kind {
        case .text:
            let bytes: [UInt8]
            do { bytes = try readFileBytes(file) } catch { throw error }
            guard bytes.count >= 2 else {
                throw CommandError(message: "\(file) has \(bytes.count) byte(s); scoring needs at least 2",
                                   hint: "the first byte is only input, so give a longer file")
            }
            let line = ProgressLine()
            result = Evaluation.text(model: loaded, bytes: bytes) { line.update(String(format: "scoring %@ %3.0f%%", file, $0 * 100)) }
            if Terminal.stderrIsTerminal { Terminal.writeError("\r\u{1B}[K") }
        case .control, .strokes:
            throw CommandError(message: "\(model) is a \(loaded.config.kind.rawValue) model", hint: "this build scores text models")
        }
        if json {
            Terminal.write(String(format: "{\"nats_per_symbol\": %.6f, \"bits_per_symbol\": %.6f, \"symbols\": %d}\n",
                                  result.natsPerSymbol, result.bitsPerSymbol, result.symbols))
        } else {
            Terminal.write(String(format: "%@: %.4f nats/symbol (%.4f bits/symbol) over %@ predictions\n",
                                  file, result.natsPerSymbol, result.bitsPerSymbol, Terminal.grouped(Double(result.symbols))))
        }
    }
}
