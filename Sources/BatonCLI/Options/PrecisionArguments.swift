import ArgumentParser
import BatonCore

/// `--precision f32|f16|int8`: how running models store their weights (sample, ensemble,
/// predict, draw, serve).
struct PrecisionArguments: ParsableArguments {
    @Option(name: .long, help: "Weights in memory: f32, f16 (half the memory traffic; exact for Float16 files, ~1e-3 off for Float32 ones) or int8 (a quarter; ~1 % off, for large ensembles). Default: as stored (f16 for Float16 files such as the shipped models, else f32).")
    var precision: WeightPrecision?

    /// The precision given, or the one that runs `models` as their files hold them.
    func resolve(for models: [Model]) -> WeightPrecision { precision ?? .asStored(models) }
}

extension WeightPrecision: ExpressibleByArgument {
    public init?(argument: String) {
        switch argument.lowercased() {
        case "f32", "float32": self = .float32
        case "f16", "float16": self = .float16
        case "int8", "i8": self = .int8
        default: return nil
        }
    }

    public static var allValueStrings: [String] { ["f32", "f16", "int8"] }
}
