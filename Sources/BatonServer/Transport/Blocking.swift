import Dispatch

/// File work (loading models and datasets, listing folders, writing npz) off the async
/// executor, whose few threads serve every request and WebSocket.
enum Blocking {
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async { continuation.resume(with: Result { try body() }) }
        }
    }
}
