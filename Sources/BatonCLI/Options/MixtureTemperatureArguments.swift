import ArgumentParser
import BatonCore

/// `--temperature` (both), `--pi-temperature`, `--sigma-temperature` for mixture-density
/// sampling (predict, draw): π logits / τπ, variances × τσ (keras-mdn-layer, IMPS).
struct MixtureTemperatureArguments<Defaults: TemperatureDefault>: ParsableArguments {
    @Option(name: .long, help: "Temperature for both the mixture choice and the spread (> 0).")
    var temperature: Float = Defaults.temperature

    @Option(name: .customLong("pi-temperature"), help: "Divides the mixture logits: > 1 more varied choices (overrides --temperature).")
    var piTemperature: Float?

    @Option(name: .customLong("sigma-temperature"), help: "Multiplies the variances: < 1 closer to the means (overrides --temperature).")
    var sigmaTemperature: Float?

    var pi: Float { piTemperature ?? temperature }
    var sigma: Float { sigmaTemperature ?? temperature }

    func validate() throws {
        try Temperature.validate(temperature, name: "--temperature")
        if let piTemperature { try Temperature.validate(piTemperature, name: "--pi-temperature") }
        if let sigmaTemperature { try Temperature.validate(sigmaTemperature, name: "--sigma-temperature") }
    }
}

/// `baton predict`: the model as trained (IMPSY's own defaults are 1.5 and 0.01).
enum PredictDefaults: TemperatureDefault { static let temperature: Float = 1 }

/// `baton draw`: cooler, for tidier strokes.
enum DrawDefaults: TemperatureDefault { static let temperature: Float = 0.65 }
