import BatonCore

/// One model in an ensemble: its stepper, how far into the shared stream it has read, and
/// a lock so the background catch-up worker and the generator never step it at once.
///
/// A member's state is always "the zero state at stream position `origin`, then fed every
/// item up to `position`", so two members with the same (origin, position) hold the same
/// state, whoever fed them. Which state a rejoining member must have is decided from stream
/// positions alone (`requiredOrigin`), never from how far the background worker got, so a
/// replay with the same seed and controls gives the same output (docs/decisions.md).
final class EnsembleMember<Item: Sendable>: @unchecked Sendable {
    let index: Int
    let model: Model
    /// Replaced only by `replaceStepper` (adapted weights), with the lock held.
    private(set) var stepper: Stepper
    let feed: (Stepper, Item) -> Void
    /// Stream items this member has consumed (all positions below this).
    var position = 0
    /// Where the current state started from the zero state.
    var origin = 0
    /// The stream position at which the generator last brought this member up to date.
    /// Written only by the generator.
    var lastJoined = 0
    /// Guards the stepper and the positions above. It holds a placeholder value: a zero-sized
    /// one makes the thread sanitizer see a race between two holders of the lock.
    private let lock = Locked(0)

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

    /// The origin a member must have at stream length `target`: unchanged (a continuous
    /// catch-up) while it has missed at most `horizon` items since it last joined; after
    /// that, a restart from the zero state at the first multiple of `horizon / 2` that the
    /// history still holds, so it resumes on between `horizon / 2` and `horizon` items of
    /// recent context.
    static func requiredOrigin(target: Int, lastJoined: Int, origin: Int, horizon: Int) -> Int {
        guard target - lastJoined > horizon else { return origin }
        let block = max(1, horizon / 2)
        let oldest = target - horizon
        return (oldest + block - 1) / block * block
    }

    /// Generator side: brings the member to `target` in the state the positions require,
    /// and records that it joined there. Call with the lock held.
    func join(target: Int, history: StreamHistory<Item>) {
        _ = advance(to: target, decidedAt: target, history: history, limit: .max)
        lastJoined = target
    }

    /// Worker side: moves a skipped member towards `target` (the stream length it sees) by
    /// at most `limit` items, towards the state a join at `target` would require. Returns
    /// whether it got there. Call with the lock held.
    func prefetch(target: Int, history: StreamHistory<Item>, limit: Int) -> Bool {
        advance(to: target, decidedAt: target, history: history, limit: limit)
    }

    private func advance(to target: Int, decidedAt: Int, history: StreamHistory<Item>, limit: Int) -> Bool {
        let required = Self.requiredOrigin(target: decidedAt, lastJoined: lastJoined, origin: origin, horizon: history.capacity)
        if required != origin || position > target || position < origin {
            stepper.reset()
            origin = required
            position = required
        }
        var fed = 0
        while position < target, fed < limit, let item = history.item(at: position) {
            feed(stepper, item)
            position += 1
            fed += 1
        }
        return position >= target
    }

    /// Other weights of the same architecture (adapted ones) take over the current state,
    /// so the stream goes on where it was. Call with the lock held.
    func replaceStepper(_ replacement: Stepper) {
        replacement.copyState(from: stepper)
        stepper = replacement
    }

    func reset() {
        stepper.reset()
        position = 0
        origin = 0
        lastJoined = 0
    }
}
