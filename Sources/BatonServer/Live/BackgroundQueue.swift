import BatonCore
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A serial queue with a thread of its own that runs below the live threads' priority
/// (SCHED_IDLE, else nice 10, on Linux), for live adaptation's learning: on a loaded machine the thread that
/// answers the performer, or writes the next symbol, gets the core first. (A dispatch
/// queue's quality of service does not change the scheduling priority on Linux, and
/// lowering a pooled thread's priority would slow whatever runs on it next.)
///
/// The thread ends when the queue is released and its jobs are done.
final class BackgroundQueue: Sendable {
    private final class Mailbox: Sendable {
        let jobs = Locked<(list: [@Sendable () -> Void], open: Bool)>(([], true))
        let wake = DispatchSemaphore(value: 0)
    }
    private let mailbox = Mailbox()
    /// Added to the thread's nice value: 10 gives it about a tenth of a core's share beside a
    /// busy thread at the default priority, and all of an idle core.
    static let niceness: Int32 = 10

    init(name: String) {
        let mailbox = self.mailbox
        let thread = Thread {
            #if os(Linux)
            // Linux keeps a nice value per thread: `who` 0 is the calling thread alone.
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, Self.niceness)
            // SCHED_IDLE (5): the thread runs only when a core is otherwise idle, and a waking
            // live thread preempts it at once, where nice alone still lets it finish its slice
            // (milliseconds of added p99 on two cores). Kept at nice 10 if refused.
            var parameters = sched_param()
            parameters.sched_priority = 0
            _ = sched_setscheduler(0, 5, &parameters)
            #endif
            while true {
                mailbox.wake.wait()
                let next = mailbox.jobs.withLock { state -> (@Sendable () -> Void)?? in
                    if state.list.isEmpty { return state.open ? .some(nil) : nil }
                    return .some(state.list.removeFirst())
                }
                guard let job = next else { return }  // closed and drained
                job?()
            }
        }
        thread.name = name
        thread.start()
    }

    deinit {
        mailbox.jobs.withLock { $0.open = false }
        mailbox.wake.signal()
    }

    /// Runs `job` after the jobs already queued.
    func async(_ job: @escaping @Sendable () -> Void) {
        mailbox.jobs.withLock { $0.list.append(job) }
        mailbox.wake.signal()
    }

    /// Waits until every job queued before this call has run.
    func sync() {
        let done = DispatchSemaphore(value: 0)
        async { done.signal() }
        done.wait()
    }
}
