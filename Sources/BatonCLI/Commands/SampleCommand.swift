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
        --adapt-to FILE first lets the model learn from a text of yours (dynamic evaluation, seconds per few kilobytes), then primes it with the file's end.
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

    @OptionGroup var adaptTo: AdaptToArguments

    func validate() throws {
        guard length >= 0 else { throw ValidationError("--length must be ≥ 0, got \(length)") }
    }

    func run() throws {
        let loaded = try Model.load(path: model)
        guard loaded.config.kind == .text else {
            throw CommandLineError(message: "\(model) is a \(loaded.config.kind.rawValue) model, not a text model",
                               hint: loaded.config.kind == .strokes ? "draw with `baton draw`" : "generate events with `baton predict`")
        }
        let adaptText = try adaptTo.text()
        let model = try adaptText.map { try adaptTo.adapt(loaded, to: $0) } ?? loaded
        let generator = TextGenerator(model: model, precision: precision.resolve(for: [model]), options: sampling.options,
                                      seed: seed.resolve())
        let primeBytes = Array((prime ?? "").utf8)
        if let adaptText { generator.prime(AdaptToArguments.primeTail(adaptText)) }
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
