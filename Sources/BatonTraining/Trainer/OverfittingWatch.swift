import Foundation

/// Notices when a run starts learning its training data by heart: the validation loss
/// climbs well above its best while the training loss keeps falling. Early stopping ends
/// such a run eventually (and the best model is what is on disk); this says so while it
/// happens, in words a newcomer can act on.
public struct OverfittingWatch: Sendable, Equatable {
    /// The best validation loss so far and the training loss when it was reached.
    public private(set) var bestValidation: Double?
    public private(set) var trainAtBest: Double?
    /// The latest warning; it stays once given (the best model was left behind).
    public private(set) var warning: String?

    /// How far validation may rise above its best before it counts as diverging:
    /// `absoluteMargin` nats plus `relativeMargin` of the best's size (losses of
    /// mixture-density models can be negative, so the margin is not a plain ratio).
    public static let absoluteMargin = 0.1
    public static let relativeMargin = 0.05
    /// Training must have fallen at least this much (nats) below where it was at the best.
    public static let trainingDrop = 0.02

    public init() {}

    /// One validation: the smoothed training loss and the validation loss at that moment.
    /// Returns the warning when this validation gives (or renews) one.
    @discardableResult
    public mutating func observe(train: Double, validation: Double) -> String? {
        guard train.isFinite, validation.isFinite else { return nil }
        guard let best = bestValidation, let trainThen = trainAtBest else {
            bestValidation = validation
            trainAtBest = train
            return nil
        }
        if validation < best {
            bestValidation = validation
            trainAtBest = train
            return nil
        }
        let margin = Self.absoluteMargin + Self.relativeMargin * abs(best)
        guard validation - best > margin, train < trainThen - Self.trainingDrop else { return nil }
        let text = String(format: "validation loss rose from %.3f to %.3f while training loss fell from %.3f to %.3f: "
                          + "the model is learning this dataset by heart (overfitting). The best model so far is the one kept; "
                          + "more data (play longer) or a smaller size helps.", best, validation, trainThen, train)
        warning = text
        return text
    }
}
