import ArgumentParser
import BatonCore

/// What a command seeds with when `--seed` is not given.
protocol SeedDefault {
    /// nil: a new random seed each run.
    static var seed: UInt64? { get }
    static var help: String { get }
}

/// `--seed`: any whole number 0…2⁶⁴ − 1 (`SeededGenerator.seedRange`); a negative or
/// larger one is a one-line error. Taken unconditionally, so `--seed -1` reaches the check
/// instead of reading as an option.
struct SeedArguments<Default: SeedDefault>: ParsableArguments {
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(Default.help, valueName: "seed"))
    var seed: String?

    func validate() throws {
        if let seed { _ = try SeededGenerator.seed(parsing: seed, name: "--seed") }
    }

    /// The seed to use: the one given, the command's default, or a fresh random one.
    /// Call once per run (a random default differs per call).
    func resolve() -> UInt64 {
        seed.flatMap { UInt64($0) } ?? Default.seed ?? UInt64.random(in: SeededGenerator.seedRange)
    }
}

/// Generation: a new seed each run unless given.
enum RandomSeed: SeedDefault {
    static let seed: UInt64? = nil
    static let help = "Random seed, 0 to 18446744073709551615: the same seed replays the same output (default: a new one each run)."
}

/// Training: seed 1 unless given, so a run can be repeated.
enum TrainingSeed: SeedDefault {
    static let seed: UInt64? = 1
    static let help = "Random seed, 0 to 18446744073709551615: the same seed, data and options give the same model (default: 1)."
}
