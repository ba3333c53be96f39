import ArgumentParser
import BatonCore
import BatonTraining

/// `--adapt-rate`, `--adapt-segment`, `--adapt-decay`: dynamic evaluation's settings
/// (`AdaptationOptions`), each defaulting to the measured value for the model's kind.
struct AdaptationArguments: ParsableArguments {
    @Option(name: .customLong("adapt-rate"), parsing: .unconditional, help: ArgumentHelp("Adaptation step size η, 0–0.1 (default: \(AdaptationOptions.text.rate) for text, \(AdaptationOptions.events.rate) for control and strokes).", valueName: "rate"))
    var rate: Float?

    @Option(name: .customLong("adapt-segment"), parsing: .unconditional, help: ArgumentHelp("Symbols or events per adaptation step, 1–\(AdaptationOptions.maximumSegment) (default: \(AdaptationOptions.text.segment) for text, \(AdaptationOptions.events.segment) for control and strokes).", valueName: "T"))
    var segment: Int?

    @Option(name: .customLong("adapt-decay"), parsing: .unconditional, help: ArgumentHelp("Pull λ towards the original weights per step, 0–1 (default: \(AdaptationOptions.text.decay)).", valueName: "lambda"))
    var decay: Float?

    @Option(name: .customLong("adapt-statistics"), parsing: .unconditional, help: ArgumentHelp("Decay β of the running mean square of the adaptation gradients, 0–0.9999 (default: \(AdaptationOptions.text.statisticsDecay)).", valueName: "beta"))
    var statistics: Float?

    /// The model kind's defaults with the given overrides, validated.
    func options(for kind: ModelKind) throws -> AdaptationOptions {
        var options = AdaptationOptions.defaults(for: kind)
        if let rate { options.rate = rate }
        if let segment { options.segment = segment }
        if let decay { options.decay = decay }
        if let statistics { options.statisticsDecay = statistics }
        try options.validate()
        return options
    }

    /// Whether any adaptation setting was given (they mean nothing without adaptation).
    var anyGiven: Bool { rate != nil || segment != nil || decay != nil || statistics != nil }
}
