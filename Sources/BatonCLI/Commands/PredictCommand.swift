import ArgumentParser
import BatonCore
import BatonTraining
import Foundation

struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Generate control events from a mixture-density model, as CSV.",
        discussion: """
        Prints a header, then one event per line (dt in seconds first, then the controls), the model feeding each prediction back to itself. --prime feeds a performance first (CSV with a header, or .npz). IMPSY's defaults are --pi-temperature 1.5 --sigma-temperature 0.01.

        Example: baton predict Models/impsy-4d.safetensors --steps 20 --seed 1
        """
    )

    @Argument(help: "A control model (.safetensors); several are mixed (a mixture of mixtures) by --weights.")
    var models: [String]

    @Option(name: .long, help: "Comma-separated weights when mixing several models (default: equal).")
    var weights: String?

    @Option(name: .long, help: "Events to generate.")
    var steps: Int = 50

    @OptionGroup var temperatures: MixtureTemperatureArguments<PredictDefaults>

    @Option(name: .long, help: "Events to feed first (CSV with a header, or .npz).")
    var prime: String?

    @OptionGroup var seed: SeedArguments<RandomSeed>

    @OptionGroup var precision: PrecisionArguments

    func validate() throws {
        guard steps >= 0 else { throw ValidationError("--steps must be ≥ 0") }
    }

    func run() throws {
        let entries = try ModelList.load(models)
        let loaded = entries[0].model
        guard loaded.config.kind != .text else {
            throw CommandLineError(message: "\(entries[0].path) is a text model", hint: "sample text with `baton sample`")
        }
        let generator = try EventSources.make(entries, weights: weights, temperatures: (temperatures.pi, temperatures.sigma),
                                              precision: precision.resolve(for: entries.map(\.model)), seed: seed.resolve())
        if let prime {
            let events = try ContinuousDataInput.load(prime).train
            guard events.dims == loaded.config.inputSize else {
                throw DataError.dimensionMismatch(path: prime, expected: loaded.config.inputSize, found: events.dims)
            }
            for e in 0..<events.eventCount { generator.feed(Array(events.event(e))) }
        }
        let names = loaded.config.kind == .strokes ? ["dx", "dy", "pen"] : ["dt"] + (1..<loaded.config.inputSize).map { "x\($0)" }
        var out = names.joined(separator: ",") + "\n"
        for _ in 0..<steps {
            out += generator.next().map { String(format: "%.6g", $0) }.joined(separator: ",") + "\n"
        }
        Terminal.write(out)
    }
}
