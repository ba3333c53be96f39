import BatonCore
import BatonEnsemble
import BatonTraining
import Dispatch
import Foundation

/// Live adaptation of the text ensemble's models to the text the performer feeds
/// (`/baton/feed`): one `LiveAdaptation` per model, made when the model's adaptation is
/// first switched on (an adapting model holds several copies of its weights), all learning
/// on one background queue so that at most one update runs at a time beside generation.
final class TextAdaptation: @unchecked Sendable {
    private let models: [Model]
    private let files: [String?]
    private let precision: WeightPrecision
    /// Where saved adapted models go (the workspace's models folder).
    let modelFolder: String?
    /// Told when a model learnt from a segment (the session then publishes its status).
    let changed = ChangeSignal()
    private let queue = BackgroundQueue(name: "baton.text.adaptation")
    private let adaptations: Locked<[LiveAdaptation?]>
    /// Segments one model may have waiting: two feeds at the longest, so a feed sent while
    /// the last one is still being learnt is not cut.
    static let maximumPending = 2 * (Int(LiveLimits.feedBytes.range.upperBound) / AdaptationOptions.text.segment + 1)

    init(models: [Model], files: [String?], precision: WeightPrecision, modelFolder: String?) {
        self.models = models
        self.files = files.count == models.count ? files : models.map { _ in nil }
        self.precision = precision
        self.modelFolder = modelFolder
        adaptations = Locked(models.map { _ in nil })
    }

    /// Model `i`'s adaptation, made on first use.
    private func adaptation(_ i: Int) -> LiveAdaptation {
        adaptations.withLock { list in
            if let existing = list[i] { return existing }
            let made = LiveAdaptation(model: models[i], file: files[i], precision: precision, maximumPending: Self.maximumPending,
                                      queue: queue, changed: changed)
            list[i] = made
            return made
        }
    }

    private var existing: [(index: Int, adaptation: LiveAdaptation)] {
        adaptations.withLock { list in list.enumerated().compactMap { i, a in a.map { (i, $0) } } }
    }

    func setEnabled(_ i: Int, _ on: Bool) {
        if on { adaptation(i).setEnabled(true) } else { adaptations.withLock { $0[i] }?.setEnabled(false) }
    }

    func setRate(_ i: Int, _ rate: Float) { adaptation(i).setRate(rate) }

    /// Model `i` back to its original weights (nothing to do if it never adapted).
    func reset(_ i: Int) { adaptations.withLock { $0[i] }?.reset() }

    /// Queues writing model `i`'s adapted weights into the workspace (`saved` in its snapshot names the file).
    func save(_ i: Int) throws(CommandError) {
        guard let modelFolder else { throw CommandError("this server has no workspace to save an adapted model into") }
        // A model that never adapted saves as a copy of itself (0 updates), as the instrument's does.
        adaptation(i).save(into: modelFolder)
    }

    /// Fed text: taught to every model whose adaptation is on.
    func teach(_ bytes: [UInt8]) {
        for (_, adaptation) in existing { adaptation.teach(text: bytes) }
    }

    /// Swaps newly adapted weights into the ensemble. Call between steps, on the thread that steps it.
    func adoptAdaptedWeights(into ensemble: TextEnsemble) {
        for (i, adaptation) in existing {
            if let fresh = adaptation.takeStepper() { ensemble.replaceStepper(of: i, with: fresh) }
        }
    }

    /// One snapshot per model, in order (off, with the defaults, for models never switched on).
    var snapshots: [LiveAdaptation.Snapshot] {
        let list = adaptations.withLock { $0 }
        let defaults = AdaptationOptions.text
        return list.map { $0?.snapshot ?? LiveAdaptation.Snapshot(unit: .symbols, enabled: false, rate: defaults.rate, segment: defaults.segment) }
    }

    /// Waits until every fed segment is learnt (tests).
    func settle() { for (_, adaptation) in existing { adaptation.settle() } }
}

/// A "something changed" callback that can be connected after the fact (the session
/// connects the engines' adaptation progress to its status updates).
final class ChangeSignal: Sendable {
    private let action = Locked<(@Sendable () -> Void)?>(nil)

    func connect(_ action: @escaping @Sendable () -> Void) { self.action.withLock { $0 = action } }

    func fire() { action.withLock { $0 }?() }
}
