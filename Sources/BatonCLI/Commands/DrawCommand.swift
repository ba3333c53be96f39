import ArgumentParser
import BatonCore
import BatonTraining
import Foundation

struct DrawCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "draw",
        abstract: "Draw with a stroke model: render generated handwriting or sketches as SVG.",
        discussion: """
        Pen-up moves are not drawn. Several models are mixed as a mixture of mixtures with --weights (e.g. morph between two handwriting styles). --samples draws several drawings side by side, each from the zero state. --prime continues strokes you give (an .npz or CSV of dx, dy, pen rows; the prime is drawn in blue). Temperature scales both the mixture choice and the spread; --pi-temperature and --sigma-temperature set them separately.

        Example: baton draw Models/handwriting.safetensors --out hand.svg --steps 700 --temperature 0.6
        """
    )

    @Argument(help: "A stroke model (.safetensors); several are mixed (a mixture of mixtures) by --weights.")
    var models: [String]

    @Option(name: .long, help: "Comma-separated weights when mixing several models (default: equal).")
    var weights: String?

    @Option(name: .long, help: "Where to write the SVG.")
    var out: String

    @Option(name: .long, help: "Points to generate per drawing (default: the model's typical sequence length).")
    var steps: Int?

    @Option(name: .long, help: "Drawings to make, each from the zero state.")
    var samples: Int = 1

    @OptionGroup var temperatures: MixtureTemperatureArguments<DrawDefaults>

    @Option(name: .long, help: "Strokes to continue (.npz or CSV with dx, dy, pen columns).")
    var prime: String?

    @OptionGroup var seed: SeedArguments<RandomSeed>

    @OptionGroup var precision: PrecisionArguments

    func validate() throws {
        guard steps.map({ $0 > 0 }) ?? true, samples >= 1 else { throw ValidationError("--steps and --samples must be ≥ 1") }
    }

    func run() throws {
        let entries = try ModelList.load(models)
        let loaded = entries[0].model
        guard loaded.config.kind == .strokes else {
            throw CommandLineError(message: "\(entries[0].path) is a \(loaded.config.kind.rawValue) model, not a stroke model",
                               hint: loaded.config.kind == .text ? "sample text with `baton sample`" : "generate events with `baton predict`")
        }
        let primePoints = try prime.map { StrokeFrame.toModelFrame(try ContinuousDataInput.load($0).train, for: loaded) }
        if let primePoints, primePoints.dims != 3 { throw DataError.dimensionMismatch(path: prime!, expected: 3, found: primePoints.dims) }
        let count = steps ?? Int(loaded.metadata["typical_length"] ?? "") ?? 300
        let generator = try EventSources.make(entries, weights: weights, temperatures: (temperatures.pi, temperatures.sigma),
                                              precision: precision.resolve(for: entries.map(\.model)), seed: seed.resolve())
        var drawings: [StrokeSVG.Drawing] = []
        for _ in 0..<samples {
            generator.reset()
            var points: [(Float, Float, Float)] = []
            if let primePoints {
                for e in 0..<primePoints.eventCount {
                    let event = Array(primePoints.event(e))
                    generator.feed(event)
                    points.append((event[0], event[1], event[2]))
                }
            }
            let primed = points.count
            for _ in 0..<count {
                let p = generator.next()
                points.append((p[0], p[1], p[2]))
            }
            drawings.append(StrokeSVG.Drawing(points: points, primeCount: primed))
        }
        let svg = StrokeSVG.render(drawings, yUp: loaded.metadata["y_axis"] == "up", cell: samples == 1 ? 900 : 300,
                                   columns: samples == 1 ? 1 : min(samples, 5), title: nil)
        try writeAtomically(Array(svg.utf8), to: out)
        Terminal.writeError("wrote \(out): \(samples) drawing(s) of \(count) points from \(entries.map { $0.model.displayName }.joined(separator: " + "))\n")
    }
}
