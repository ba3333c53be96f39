/// Top-k and top-p (nucleus) truncation of a distribution: keep the k most probable
/// entries, and of those the fewest whose mass reaches p; zero the rest and renormalise.
/// Ties go to the lower index, so a seeded run replays. Allocation-free: a heap of indices
/// is built in a buffer owned here (O(V + kept · log V) per call).
public final class Truncation {
    private let order: UnsafeMutablePointer<Int32>
    /// The largest distribution it can truncate.
    public let capacity: Int

    /// Truncation for distributions of up to `capacity` entries.
    public init(capacity: Int) {
        precondition(capacity > 0 && capacity <= Int(Int32.max), "Truncation: capacity \(capacity)")
        self.capacity = capacity
        order = .allocate(capacity: capacity)
    }

    deinit { order.deallocate() }

    /// Whether these settings keep everything (nothing to do). k ≤ 0 means all; p ≥ 1
    /// (or NaN) means all.
    @inlinable
    public static func keepsEverything(topK: Int, topP: Float, count: Int) -> Bool {
        (topK <= 0 || topK >= count) && !(topP < 1)
    }

    /// Truncates `p` in place (non-negative weights; need not sum to 1: p is a fraction of
    /// their total). At least the most probable entry is always kept.
    public func apply(_ p: UnsafeMutableBufferPointer<Float>, topK: Int, topP: Float) {
        let n = p.count
        precondition(n <= capacity, "Truncation: \(n) entries, capacity \(capacity)")
        guard n > 0, !Self.keepsEverything(topK: topK, topP: topP, count: n) else { return }
        let k = topK > 0 ? Swift.min(topK, n) : n
        var total: Float = 0
        for i in 0..<n {
            order[i] = Int32(truncatingIfNeeded: i)
            total += p[i]
        }
        let target = topP < 1 ? topP * total : .infinity
        let weights = UnsafePointer(p.baseAddress!)
        var size = n
        var i = n / 2 - 1
        while i >= 0 { siftDown(i, size: size, weights); i -= 1 }
        // Pop the most probable until k are kept or their mass reaches the target; popped
        // entries collect at the end of `order`.
        var kept: Float = 0
        repeat {
            size -= 1
            let top = order[0]
            order[0] = order[size]
            order[size] = top
            siftDown(0, size: size, weights)
            kept += p[Int(top)]
        } while n - size < k && kept < target && size > 0
        for r in 0..<size { p[Int(order[r])] = 0 }
        guard kept > 0 else { return }
        let scale = 1 / kept
        for r in size..<n { p[Int(order[r])] *= scale }
    }

    /// Whether entry a comes before entry b: more probable, or as probable and lower.
    @inline(__always)
    private func before(_ a: Int32, _ b: Int32, _ w: UnsafePointer<Float>) -> Bool {
        let pa = w[Int(a)], pb = w[Int(b)]
        return pa > pb || (pa == pb && a < b)
    }

    @inline(__always)
    private func siftDown(_ start: Int, size: Int, _ w: UnsafePointer<Float>) {
        var parent = start
        while true {
            let left = 2 &* parent &+ 1
            guard left < size else { return }
            var child = left
            if left &+ 1 < size, before(order[left &+ 1], order[left], w) { child = left &+ 1 }
            guard before(order[child], order[parent], w) else { return }
            let t = order[parent]
            order[parent] = order[child]
            order[child] = t
            parent = child
        }
    }
}
