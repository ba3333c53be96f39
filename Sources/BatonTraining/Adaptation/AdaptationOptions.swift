import BatonCore

/// Settings of dynamic evaluation (Krause et al. 2018, "Dynamic Evaluation of Neural
/// Sequence Models"): after every segment of `segment` symbols or events, one RMS-normalised
/// gradient step of size `rate` on that segment, and a pull `decay` back towards the
/// original weights. The defaults were chosen by the sweep in docs/decisions.md.
public struct AdaptationOptions: Sendable, Equatable {
    /// η: the step size of the RMS-normalised update, in weight units per step.
    public var rate: Float
    /// T: symbols or events per segment (the BPTT window of one update).
    public var segment: Int
    /// λ: the fraction of the way back to the original weights taken at every update.
    public var decay: Float
    /// β: decay of the running mean square of the adaptation gradients.
    public var statisticsDecay: Float = 0.9
    /// ε in g / (√MS + ε).
    public var epsilon: Float = 1e-8

    public init(rate: Float, segment: Int, decay: Float) {
        self.rate = rate
        self.segment = segment
        self.decay = decay
    }

    /// Text models: the best gain on another style that never costs on the model's own
    /// (docs/decisions.md, "Live adaptation").
    public static let text = AdaptationOptions(rate: 3e-4, segment: 50, decay: 1e-3)
    /// Control and stroke models: measured on impsy-4d performances.
    public static let events = AdaptationOptions(rate: 1e-4, segment: 20, decay: 1e-3)

    public static func defaults(for kind: ModelKind) -> AdaptationOptions { kind == .text ? text : events }

    /// The largest segment: the adapting network holds activations for T steps.
    public static let maximumSegment = 4096
    /// The largest step size: beyond it one update moves a weight by more than any trained model tolerates.
    public static let maximumRate: Float = 0.1

    /// Refuses settings that cannot work. Names are the CLI's options.
    public func validate() throws(InvalidSetting) {
        guard rate.isFinite, rate >= 0, rate <= Self.maximumRate else {
            throw InvalidSetting(message: "adaptation rate \(rate) is outside 0–\(Self.maximumRate)",
                                 hint: "give --adapt-rate a step size such as \(Self.text.rate) (0 scores without adapting)")
        }
        guard (1...Self.maximumSegment).contains(segment) else {
            throw InvalidSetting(message: "adaptation segment \(segment) is outside 1–\(Self.maximumSegment)",
                                 hint: "give --adapt-segment a number of symbols or events such as \(Self.text.segment)")
        }
        guard decay.isFinite, decay >= 0, decay <= 1 else {
            throw InvalidSetting(message: "adaptation decay \(decay) is outside 0–1",
                                 hint: "give --adapt-decay a fraction such as \(Self.text.decay) (0 never pulls back)")
        }
        guard statisticsDecay.isFinite, statisticsDecay >= 0, statisticsDecay <= 0.9999, epsilon.isFinite, epsilon > 0 else {
            throw InvalidSetting(message: "adaptation statistics decay \(statisticsDecay) / epsilon \(epsilon) out of range",
                                 hint: "give --adapt-statistics a decay in 0–0.9999")
        }
    }
}
