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

    @OptionGroup var sampling: SamplingArguments<SampleDefaults>

    @OptionGroup var seed: SeedArguments<RandomSeed>

    @OptionGroup var precision: PrecisionArguments

    func validate() throws {
        guard length >= 0 else { throw ValidationError("--length must be ≥ 0, got \(length)") }
    }

    func run() throws {
        let loaded = try Model.load(path: model)
        guard loaded.config.kind == .text else {
            throw CommandLineError(message: "\(model) is a \(loaded.config.kind.rawValue) model, not a text model",
                               hint: loaded.config.kind == .strokes ? "draw with `baton draw`" : "generate events with `baton predict`")
        }
        let generator = TextGenerator(model: loaded, precision: precision.resolve(for: [loaded]), options: sampling.options,
                                      seed: seed.resolve())
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
