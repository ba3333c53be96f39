import BatonCore
import Synchronization

/// One model in an ensemble: its stepper, how far into the shared stream it has read, and
/// a lock so the background catch-up worker and the generator never step it at once.
final class EnsembleMember<Item: Sendable>: @unchecked Sendable {
    let index: Int
    let model: Model
    let stepper: Stepper
    let feed: (Stepper, Item) -> Void
    /// Stream items this member has consumed (all positions below this).
    var position = 0
    private let lock = Mutex(())

    init(index: Int, model: Model, precision: WeightPrecision, feed: @escaping (Stepper, Item) -> Void) {
        self.index = index
        self.model = model
        stepper = Stepper(model: model, precision: precision)
        self.feed = feed
    }

    func withLock<R>(_ body: () -> R) -> R { lock.withLock { _ in body() } }

    /// Non-blocking: runs `body` only if nobody else holds the member.
    func withLockIfAvailable(_ body: () -> Void) {
        _ = lock.withLockIfAvailable { _ in body() }
    }

    /// Feeds what the member missed, up to `target`. When more than the history holds was
    /// missed, the member restarts from the zero state on the oldest items still held
    /// (bounded catch-up: it resumes in recent context, not in all of it).
    /// `limit` bounds the items fed in this call. Call with the lock held.
    @discardableResult
    func catchUp(to target: Int, history: StreamHistory<Item>, limit: Int = .max) -> Bool {
        if position < history.oldest {
            stepper.reset()
            position = history.oldest
        }
        var fed = 0
        while position < target, fed < limit, let item = history.item(at: position) {
            feed(stepper, item)
            position += 1
            fed += 1
        }
        return position >= target
    }

    func reset() {
        stepper.reset()
        position = 0
    }
}
