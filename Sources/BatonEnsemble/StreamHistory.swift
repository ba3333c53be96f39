import BatonCore

/// The last `capacity` items fed to an ensemble, by absolute position, shared between the
/// generator (which appends) and the background catch-up worker (which reads).
final class StreamHistory<Item: Sendable>: Sendable {
    let capacity: Int
    private struct State {
        var items: [Item?]
        var count = 0
    }
    private let state: Locked<State>

    init(capacity: Int) {
        self.capacity = capacity
        state = Locked(State(items: Array(repeating: nil, count: capacity)))
    }

    /// Items fed so far (positions 0 ..< count).
    var count: Int { state.withLock { $0.count } }

    func append(_ item: Item) {
        state.withLock { s in
            s.items[s.count % capacity] = item
            s.count += 1
        }
    }

    func clear() { state.withLock { $0.count = 0 } }

    /// The item at an absolute position, if still held.
    func item(at position: Int) -> Item? {
        state.withLock { s in
            guard position >= 0, position < s.count, position >= s.count - capacity else { return nil }
            return s.items[position % capacity]
        }
    }

    /// The oldest position still held.
    var oldest: Int { state.withLock { max(0, $0.count - capacity) } }
}
