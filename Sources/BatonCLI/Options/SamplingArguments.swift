import ArgumentParser
import BatonCore

/// `--temperature`, `--top-k`, `--top-p` for text sampling (sample, ensemble), validated by
/// `SamplingOptions` as every other entry point is.
struct SamplingArguments<Defaults: TemperatureDefault>: ParsableArguments {
    @Option(name: .long, help: "Divides the logits: below 1 safer and more repetitive, above 1 wilder (> 0).")
    var temperature: Float = Defaults.temperature

    @Option(name: .customLong("top-k"), help: "Sample only from the K most probable bytes (0 = all).")
    var topK: Int = 0

    @Option(name: .customLong("top-p"), help: "Sample only from the most probable bytes whose mass reaches P, in (0, 1] (1 = all).")
    var topP: Float = 1

    var options: SamplingOptions { SamplingOptions(temperature: temperature, topK: topK, topP: topP) }

    func validate() throws { try options.validate(prefix: "--") }
}

/// `baton sample`: the model as trained.
enum SampleDefaults: TemperatureDefault { static let temperature: Float = 1 }

/// `baton ensemble`: a little cooler, as pooled distributions are flatter.
enum EnsembleDefaults: TemperatureDefault { static let temperature: Float = 0.8 }
