import ArgumentParser
import BatonCore
import BatonEnsemble
import Foundation

struct EnsembleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ensemble",
        abstract: "Conduct several text models at once: mix their styles with live weights.",
        discussion: """
        Every model reads the same text; at each step their next-byte distributions, each at --temperature, are pooled with the weights and one byte is drawn (Akten & Grierson 2016), from the pooled bytes --top-k and --top-p keep. Text is coloured by the model that contributed most to each character when stdout is a terminal.

        --interactive opens the terminal conductor: 1–9 solo a model, ←/→ pick a model, ↑/↓ move weight to or from it, 0 spreads the weights evenly, p toggles linear/product pooling, l toggles lookahead, t/T lower/raise the temperature, space pauses, r resets, q quits. Bars show each model's weight and the confidence of its distribution.

        MIDI: --midi-in NAME listens to a controller; --midi-map binds its controllers (CC=TARGET: weight:N, weight:NAME, temperature, pooling, threshold). In the conductor, m starts MIDI learn: move a controller, then press 1–9, t or p (docs/midi.md).

        Example: baton ensemble Models/text/shakespeare.safetensors Models/text/nietzsche.safetensors --weights 0.7,0.3
        """
    )

    @Argument(help: "Text models (.safetensors), or folders of them.")
    var models: [String]

    @Option(name: .long, help: "Comma-separated weights, one per model (default: equal).")
    var weights: String?

    @Option(name: .long, help: "Bytes to generate (0 = until interrupted).")
    var length: Int = 1000

    @Option(name: .long, help: "Pooling: linear (the original rule) or product (product of experts).")
    var pooling: String = "linear"

    @Option(name: .long, help: "Skip models whose normalised weight is below this.")
    var threshold: Float = 0.05

    @Option(name: .long, help: "Lookahead sampling as CANDIDATES,DEPTH, e.g. 4,8.")
    var lookahead: String?

    @OptionGroup var sampling: SamplingArguments<EnsembleDefaults>

    @Option(name: .long, help: "Text to start from.")
    var prime: String?

    @OptionGroup var seed: SeedArguments<RandomSeed>

    @OptionGroup var precision: PrecisionArguments

    @Flag(name: .long, help: "Open the terminal conductor (needs a terminal).")
    var interactive = false

    @Option(name: .long, help: "Bytes per second in the conductor (0 = as fast as it goes).")
    var rate: Double = 40

    @OptionGroup(title: "MIDI")
    var midi: EnsembleMIDIOptions

    func validate() throws {
        guard Pooling(rawValue: pooling) != nil else { throw ValidationError("--pooling must be linear or product, got '\(pooling)'") }
        guard threshold >= 0, threshold < 1 else { throw ValidationError("--threshold must be in [0, 1)") }
        guard length >= 0 else { throw ValidationError("--length must be ≥ 0") }
        if let lookahead { _ = try Self.parseLookahead(lookahead) }
    }

    static func parseLookahead(_ text: String) throws -> Lookahead {
        let parts = text.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, parts[0] >= 1, parts[1] >= 0 else {
            throw ValidationError("--lookahead must be CANDIDATES,DEPTH with candidates ≥ 1, e.g. 4,8; got '\(text)'")
        }
        return Lookahead(candidates: parts[0], depth: parts[1])
    }

    func run() throws {
        let loaded = try ModelList.load(models)
        guard loaded.allSatisfy({ $0.model.config.kind == .text }) else {
            let bad = loaded.first { $0.model.config.kind != .text }
            throw CommandLineError(message: "\(bad?.path ?? "") is a \(bad?.model.config.kind.rawValue ?? "") model; `baton ensemble` mixes text models",
                               hint: "mix stroke models with `baton draw A B --weights …` and control models with `baton predict A B --weights …`")
        }
        var settings = EnsembleSettings(weights: try ModelList.weights(weights, count: loaded.count))
        settings.pooling = Pooling(rawValue: pooling) ?? .linear
        settings.threshold = threshold
        settings.temperature = sampling.temperature
        settings.topK = sampling.topK
        settings.topP = sampling.topP
        settings.lookahead = try lookahead.map(Self.parseLookahead)
        let ensemble = TextEnsemble(models: loaded.map(\.model), settings: settings, precision: precision.resolve(for: loaded.map(\.model)),
                                    seed: seed.resolve())
        ensemble.prime(Array((prime ?? "").utf8))
        let conducting = EnsembleMIDI(controls: ensemble.controls, names: loaded.map { $0.model.displayName }, map: midi.common.controls)
        let rig = try midi.rig { _, message in conducting.receive(message) }
        try rig?.start()
        defer { rig?.stop() }
        if interactive {
            guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
                throw CommandLineError(message: "--interactive needs a terminal on stdin and stdout", hint: "run it in a terminal (or tmux), or drop --interactive")
            }
            try TerminalConductor(ensemble: ensemble, names: loaded.map { $0.model.displayName },
                                  colours: loaded.map { $0.model.colour }, prime: prime ?? "", rate: rate > 0 ? rate : 1e9,
                                  midi: rig == nil ? nil : conducting).run()
            if rig != nil, !conducting.flags.isEmpty { Terminal.writeError("MIDI bindings: \(conducting.flags)\n") }
            return
        }
        Interrupt.install()
        var painter = TextPainter(colours: loaded.map { $0.model.colour }, enabled: Terminal.stdoutIsTerminal)
        if let prime { Terminal.write(prime) }
        var pending = ""
        var count = 0
        while length == 0 || count < length, !Interrupt.isRequested {
            let symbol = ensemble.step()
            pending += painter.push(symbol.byte, dominant: symbol.dominant)
            count += 1
            if pending.count >= 16 || pending.hasSuffix("\n") { Terminal.write(pending); pending = "" }
        }
        Terminal.write(pending + painter.finish() + "\n")
    }
}
