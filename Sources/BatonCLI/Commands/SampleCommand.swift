import ArgumentParser
import BatonCore
import Foundation

struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Stream text from a text model as it is generated.",
        discussion: """
        The prime text is fed first and printed; generation continues from it. Temperature below 1 makes the text safer and more repetitive, above 1 wilder. Example:
          baton sample Models/shakespeare.safetensors --prime "ROMEO:" --length 400 --temperature 0.8
        """
    )

    @Argument(help: "A text model (.safetensors).")
    var model: String

    @Option(name: .long, help: "Text to start from (default: a newline).")
    var prime: String?

    @Option(name: .long, help: "Bytes to generate.")
    var length: Int = 500

    @Option(name: .long, help: "Sampling temperature (> 0).")
    var temperature: Float = 1

    @Option(name: .customLong("top-k"), help: "Sample only from the K most probable symbols (0 = all).")
    var topK: Int = 0

    @Option(name: .customLong("top-p"), help: "Sample only from the most probable symbols whose mass reaches P (1 = all).")
    var topP: Float = 1

    @Option(name: .long, help: "Random seed (default: a new one each run).")
    var seed: UInt64?

    @Option(name: .long, help: PrecisionHelp.text)
    var precision: WeightPrecision?

    func validate() throws {
        guard length >= 0 else { throw ValidationError("--length must be ≥ 0, got \(length)") }
        guard temperature > 0, temperature.isFinite else { throw ValidationError("--temperature must be > 0, got \(temperature)") }
        guard topK >= 0 else { throw ValidationError("--top-k must be ≥ 0, got \(topK)") }
        guard topP > 0, topP <= 1 else { throw ValidationError("--top-p must be in (0, 1], got \(topP)") }
    }

    func run() throws {
        let loaded = try Model.load(path: model)
        guard loaded.config.kind == .text else {
            throw CommandError(message: "\(model) is a \(loaded.config.kind.rawValue) model, not a text model",
                               hint: loaded.config.kind == .strokes ? "draw with `baton draw`" : "generate events with `baton predict`")
        }
        let generator = TextGenerator(model: loaded, precision: precision ?? .asStored([loaded]),
                                      options: SamplingOptions(temperature: temperature, topK: topK, topP: topP),
                                      seed: seed ?? UInt64.random(in: 0...UInt64.max))
        let primeBytes = Array((prime ?? "").utf8)
        generator.prime(primeBytes)
        if let prime { Terminal.write(prime) }
        var assembler = UTF8Assembler()
        var pending = ""
        for i in 0..<length {
            pending += assembler.push(generator.next())
            // Flush at line ends and every 16 bytes: smooth streaming without a syscall per byte.
            if pending.hasSuffix("\n") || i % 16 == 15 {
                Terminal.write(pending)
                pending = ""
            }
        }
        Terminal.write(pending + assembler.flush() + "\n")
    }
}

/// A user-facing error raised by a command itself.
struct CommandError: UserFacingError {
    var message: String
    var hint: String
}
