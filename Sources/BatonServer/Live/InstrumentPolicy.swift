/// What each interaction mode does with the performer's events and the model's own
/// (IMPS, Martin & Torresen 2019, table in ARCHITECTURE.md). Pure: the engine asks, then acts.
public struct InstrumentPolicy: Sendable, Equatable {
    /// The interaction mode in force.
    public var mode: InteractionMode
    /// call-and-response: seconds of performer silence before the model answers.
    public var silenceThreshold: Double

    /// A policy for `mode`, answering after `silenceThreshold` seconds of silence in call-and-response.
    public init(mode: InteractionMode, silenceThreshold: Double = 2) {
        self.mode = mode
        self.silenceThreshold = silenceThreshold
    }

    /// Whether a performer event updates the model's state.
    public var performerUpdatesModel: Bool { mode != .battle }

    /// Whether a performer event is answered by exactly one prediction.
    public var answersEachEvent: Bool { mode == .filter }

    /// Whether the model feeds its own predictions back to itself.
    public var modelFeedsItself: Bool { mode == .callresponse || mode == .battle }

    /// Whether a performer event takes control back, dropping queued predictions.
    public var performerInterrupts: Bool { mode == .callresponse || mode == .filter }

    /// Whether the model should be playing at `now` (seconds), given when the performer last
    /// played. In call-and-response the model answers only once the performer has played
    /// and then been silent for the threshold.
    public func modelPlays(now: Double, lastPerformerEvent: Double?) -> Bool {
        switch mode {
        case .none, .filter: return false
        case .battle: return true
        case .callresponse:
            guard let last = lastPerformerEvent else { return false }
            return now - last >= silenceThreshold
        }
    }

    /// When the model will start playing if nothing else happens (for the scheduler's wake-up).
    public func nextStart(lastPerformerEvent: Double?) -> Double? {
        guard mode == .callresponse, let last = lastPerformerEvent else { return nil }
        return last + silenceThreshold
    }
}
