import Foundation
import Synchronization

/// Ctrl-C handling for long jobs: the first SIGINT (or SIGTERM) asks the job to stop at the
/// next safe point; a second one ends the process at once.
enum Interrupt {
    private static let requested = Atomic<Bool>(false)

    static func install() {
        let handler: @convention(c) (Int32) -> Void = { signal in
            Interrupt.requested.store(true, ordering: .relaxed)
            Foundation.signal(signal, SIG_DFL)
        }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
    }

    static var isRequested: Bool { requested.load(ordering: .relaxed) }
}
