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

        --adapt also scores the file with dynamic evaluation (Krause et al. 2018): the model learns from the file as it reads it, one gradient step after every segment, each segment scored before the model learns from it. It prints the static and adapted figures side by side; --json adds static_nats_per_symbol, adapted_nats_per_symbol, adapted_bits_per_symbol, gain_nats_per_symbol, the settings and the seconds each pass took.
        """
    )

    @Argument(help: "A model (.safetensors).")
    var model: String

    @Argument(help: "The data to score: a text file for text models; .npz, CSV or a log folder for control and stroke models.")
    var file: String

    @Option(name: .customLong("split-pause"), help: "Control data: split sequences at pauses longer than this many seconds, as training does (default: the model's training setting; none for imported models).")
    var splitPause: Float?

    @Flag(name: .long, help: "Also score with dynamic evaluation (the model adapts to the file as it reads it).")
    var adapt = false

    @OptionGroup var adaptation: AdaptationArguments

    @Flag(name: .long, help: "Print one JSON object instead of a sentence.")
    var json = false

    func validate() throws {
        if adaptation.anyGiven && !adapt {
            throw CommandLineError(message: "--adapt-rate, --adapt-segment and --adapt-decay only apply with --adapt", hint: "add --adapt")
        }
    }

    func run() throws {
        let loaded = try Model.load(path: model)
        let options = adapt ? try adaptation.options(for: loaded.config.kind) : nil
        let data = try EvaluationData.load(file, for: loaded, splitPause: splitPause)
        let unit = loaded.config.kind == .text ? "symbol" : "event"
        let started = Date()
        let result = data.score(loaded, progress: progressReporter())
        let staticSeconds = Date().timeIntervalSince(started)
        guard let options else {
            if json {
                Terminal.write(String(format: "{\"nats_per_symbol\": %.6f, \"bits_per_symbol\": %.6f, \"symbols\": %d}\n",
                                      result.natsPerSymbol, result.bitsPerSymbol, result.symbols))
            } else {
                Terminal.write(String(format: "%@: %.4f nats/%@ (%.4f bits/%@) over %@ predictions\n",
                                      file, result.natsPerSymbol, unit, result.bitsPerSymbol, unit, Terminal.grouped(Double(result.symbols))))
            }
            return
        }
        let adaptStarted = Date()
        let adapted = data.scoreAdapting(loaded, options: options, progress: adaptiveProgress(predictions: result.symbols, unit: unit))
        let adaptedSeconds = Date().timeIntervalSince(adaptStarted)
        let gain = result.natsPerSymbol - adapted.natsPerSymbol
        if json {
            Terminal.write(String(format: """
                {"nats_per_symbol": %.6f, "bits_per_symbol": %.6f, "symbols": %d, "static_nats_per_symbol": %.6f, \
                "adapted_nats_per_symbol": %.6f, "adapted_bits_per_symbol": %.6f, "gain_nats_per_symbol": %.6f, \
                "adapt_rate": %g, "adapt_segment": %d, "adapt_decay": %g, "static_seconds": %.3f, "adapted_seconds": %.3f}\n
                """, result.natsPerSymbol, result.bitsPerSymbol, result.symbols, result.natsPerSymbol,
                adapted.natsPerSymbol, adapted.bitsPerSymbol, gain, options.rate, options.segment, options.decay,
                staticSeconds, adaptedSeconds))
        } else {
            Terminal.write(String(format: "%@: over %@ predictions\n  static   %.4f nats/%@ (%.4f bits/%@)\n  adapted  %.4f nats/%@ (%.4f bits/%@), gain %.4f nats/%@ (rate %g, segment %d, decay %g)\n",
                                  file, Terminal.grouped(Double(result.symbols)), result.natsPerSymbol, unit, result.bitsPerSymbol, unit,
                                  adapted.natsPerSymbol, unit, adapted.bitsPerSymbol, unit, gain, unit, options.rate, options.segment, options.decay))
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

    /// Adaptive scoring is slower (a backward pass per segment): percentage, rate and ETA
    /// on stderr, live on a terminal, every 10 s otherwise, once it has run for 2 s.
    func adaptiveProgress(predictions: Int, unit: String) -> (Double) -> Void {
        let line = ProgressLine(), started = Date()
        var shown = false
        return { fraction in
            let elapsed = Date().timeIntervalSince(started)
            if fraction >= 1 {
                if shown && Terminal.stderrIsTerminal { Terminal.writeError("\r\u{1B}[K") }
                return
            }
            guard elapsed >= 2, fraction > 0 else { return }
            shown = true
            let rate = fraction * Double(predictions) / elapsed
            line.update(String(format: "adapting %@ %3.0f%%, %@ %@s/s, ETA %@", file, fraction * 100, Terminal.grouped(rate), unit,
                               Terminal.duration(elapsed * (1 - fraction) / fraction)))
        }
    }
}
