import BatonCore
import Dispatch

/// Splits batch rows across threads for the recurrent part of a window.
///
/// Rows of a batch are independent through time, so each thread runs its own rows for all
/// T steps with single-threaded BLAS: one hand-off per layer and window instead of a
/// thread synchronisation inside every small per-step sgemm.
enum RowParallel {
    /// Calls `body` with disjoint row ranges covering `0..<rows`, `parts` at a time.
    static func run(rows: Int, parts: Int, _ body: (Range<Int>) -> Void) {
        let parts = max(1, min(parts, rows))
        guard parts > 1 else { body(0..<rows); return }
        // The parts touch disjoint rows of shared buffers; no other synchronisation is needed.
        nonisolated(unsafe) let body = body
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            body((rows * part / parts)..<(rows * (part + 1) / parts))
        }
    }
}
