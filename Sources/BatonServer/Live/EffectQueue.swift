import BatonCore
import Foundation

/// Side effects (publishing events, writing log lines) that an engine decides on under its
/// lock and performs after releasing it, in the order it decided on them, one thread at a
/// time. No engine lock is held while a log line is written or an event is sent.
///
/// `enqueue` is called with the engine's lock held, so the queue's order is the order of
/// the engine's changes; `drain` after releasing it. A thread that finds another one
/// draining leaves its effects to that thread, which performs them before it stops.
final class EffectQueue<Effect: Sendable>: Sendable {
    private struct State {
        var items: [Effect] = []
        var draining = false
    }
    private let state = Locked(State())
    private let perform: @Sendable (Effect) -> Void

    init(perform: @escaping @Sendable (Effect) -> Void) { self.perform = perform }

    func enqueue(_ effect: Effect) { state.withLock { $0.items.append(effect) } }

    /// Performs everything queued, unless another thread already is.
    func drain() {
        guard var batch = claim() else { return }
        while true {
            for effect in batch { perform(effect) }
            guard let next = nextOrRelease() else { return }
            batch = next
        }
    }

    /// Drains, then waits until any other drainer has finished (shutdown).
    func drainAndWait() {
        drain()
        while state.withLock({ $0.draining || !$0.items.isEmpty }) {
            drain()
            usleep(200)
        }
    }

    private func claim() -> [Effect]? {
        state.withLock { s in
            guard !s.draining, !s.items.isEmpty else { return nil }
            s.draining = true
            defer { s.items.removeAll(keepingCapacity: true) }
            return s.items
        }
    }

    private func nextOrRelease() -> [Effect]? {
        state.withLock { s in
            guard !s.items.isEmpty else { s.draining = false; return nil }
            defer { s.items.removeAll(keepingCapacity: true) }
            return s.items
        }
    }
}
