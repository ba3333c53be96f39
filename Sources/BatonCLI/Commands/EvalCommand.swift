import ArgumentParser
import BatonCore
import BatonTraining
import Foundation

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Mean negative log-likelihood of a file under a model.",
        discussion: """
        From the zero state, the first symbol only input: a file of N bytes gives N − 1 predictions. Control and stroke models score an .npz (its valid_ part when it has one), a CSV or a log folder the same way per sequence, as the density of the data in its own units. Prints nats and bits per symbol (or event); --json prints one object with keys nats_per_symbol, bits_per_symbol and symbols.
        """
    )

    @Argument(help: "A model (.safetensors).")
    var model: String

    @Argument(help: "The data to score: a text file for text models; .npz, CSV or a log folder for control and stroke models.")
    var file: String

    @Option(name: .customLong("split-pause"), help: "Control data: split sequences at pauses longer than this many seconds, as training does (default: the model's training setting; none for imported models).")
    var splitPause: Float?

    @Flag(name: .long, help: "Print one JSON object instead of a sentence.")
    var json = false

    func run() throws {
        let loaded = try Model.load(path: model)
        let result: EvaluationResult
        switch loaded.config.kind {
        case .text:
            let bytes = try readFileBytes(file, maximumBytes: TextCorpus.maximumBytes)
            guard bytes.count >= 2 else {
                throw CommandLineError(message: "\(file) has \(bytes.count) byte(s); scoring needs at least 2",
                                   hint: "the first byte is only input, so give a longer file")
            }
            result = Evaluation.text(model: loaded, bytes: bytes, progress: progressReporter())
        case .control, .strokes:
            let input = try ContinuousDataInput.load(file)
            var events = input.validation ?? input.train
            if loaded.config.kind == .strokes { events = StrokeFrame.toModelFrame(events, for: loaded) }
            if loaded.config.kind == .control, let pause = splitPause ?? loaded.metadata[MetadataKey.splitPause].flatMap(Float.init) {
                events = try ControlData.prepare(events, path: file, splitPause: pause)
            }
            guard events.dims == loaded.config.inputSize else {
                throw DataError.dimensionMismatch(path: file, expected: loaded.config.inputSize, found: events.dims)
            }
            guard events.predictedEvents > 0 else {
                throw DataError.tooShort(path: file, bytes: events.eventCount, needed: 2, what: "every sequence (events)")
            }
            result = Evaluation.sequences(model: loaded, values: events.values, offsets: events.offsets, progress: progressReporter())
        }
        if json {
            Terminal.write(String(format: "{\"nats_per_symbol\": %.6f, \"bits_per_symbol\": %.6f, \"symbols\": %d}\n",
                                  result.natsPerSymbol, result.bitsPerSymbol, result.symbols))
        } else {
            let unit = loaded.config.kind == .text ? "symbol" : "event"
            Terminal.write(String(format: "%@: %.4f nats/%@ (%.4f bits/%@) over %@ predictions\n",
                                  file, result.natsPerSymbol, unit, result.bitsPerSymbol, unit, Terminal.grouped(Double(result.symbols))))
        }
    }

    /// A percentage on stderr while scoring, only when a person is watching.
    func progressReporter() -> ((Double) -> Void)? {
        guard Terminal.stderrIsTerminal else { return nil }
        let line = ProgressLine()
        return { fraction in
            line.update(String(format: "scoring %@ %3.0f%%", file, fraction * 100))
            if fraction >= 1 { Terminal.writeError("\r\u{1B}[K") }
        }
    }
}
