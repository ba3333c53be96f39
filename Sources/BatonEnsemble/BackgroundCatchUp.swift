import BatonCore
import Foundation
import Synchronization

/// Keeps skipped members close to the stream on a spare core, so that a member whose weight
/// rises again resumes in context without making the generator wait (Akten & Grierson's
/// skipping left stale states; this fixes it where the CPU allows). Works in small slices
/// under each member's lock and never blocks the generator for longer than one slice.
/// It only ever computes the state the generator would compute itself
/// (`EnsembleMember.requiredOrigin`), so how far it gets changes timing, never output.
final class BackgroundCatchUp<Item: Sendable>: @unchecked Sendable {
    private let members: [EnsembleMember<Item>]
    private let history: StreamHistory<Item>
    private let skipped = Locked<[Int]>([])
    private let wake = DispatchSemaphore(value: 0)
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    /// Items fed per member per slice: ~a millisecond of work for large models.
    static var slice: Int { 8 }

    init(members: [EnsembleMember<Item>], history: StreamHistory<Item>) {
        self.members = members
        self.history = history
        let thread = Thread { [unowned self] in self.run() }
        thread.qualityOfService = .utility
        thread.name = "baton.catch-up"
        thread.start()
    }

    /// Tells the worker which members are skipped now (after every generator step).
    func update(skipped indices: [Int]) {
        skipped.withLock { $0 = indices }
        if !indices.isEmpty { wake.signal() }
    }

    func stop() {
        stopping.store(true, ordering: .relaxed)
        wake.signal()
        finished.wait()
    }

    private func run() {
        while !stopping.load(ordering: .relaxed) {
            wake.wait()
            var behind = true
            while behind, !stopping.load(ordering: .relaxed) {
                behind = false
                for index in skipped.withLock({ $0 }) {
                    let member = members[index]
                    member.withLockIfAvailable {
                        if !member.prefetch(target: history.count, history: history, limit: Self.slice) { behind = true }
                    }
                }
            }
        }
        finished.signal()
    }
}
