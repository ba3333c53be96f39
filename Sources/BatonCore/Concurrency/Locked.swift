#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A value behind a lock, with `Synchronization.Mutex`'s interface, on `pthread_mutex_t`.
/// Why not `Mutex`: on Linux it is built on a futex the thread sanitizer cannot see, so
/// `make tsan` reported every value shared under it as a race; pthread mutexes are
/// intercepted, so the sanitizer sees the ordering the lock gives. Same cost uncontended.
public final class Locked<Value>: @unchecked Sendable {
    // The mutex first: a zero-sized value (`Locked<()>`) then sits after it rather than at
    // the mutex pointer's address, where the sanitizer took its inout access for a race
    // with the pointer's read.
    @usableFromInline let mutex: UnsafeMutablePointer<pthread_mutex_t>
    @usableFromInline var value: Value

    /// A lock around `value`.
    public init(_ value: Value) {
        self.value = value
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    /// Runs `body` with the value, holding the lock.
    @inlinable
    public func withLock<Result, Failure: Error>(_ body: (inout Value) throws(Failure) -> Result) throws(Failure) -> Result {
        lock()
        defer { unlock() }
        return try body(&value)
    }

    /// Runs `body` only if nobody holds the lock; nil otherwise.
    @inlinable
    public func withLockIfAvailable<Result>(_ body: (inout Value) -> Result) -> Result? {
        guard tryLock() else { return nil }
        defer { unlock() }
        return body(&value)
    }

    @inlinable func lock() { pthread_mutex_lock(mutex) }
    @inlinable func unlock() { pthread_mutex_unlock(mutex) }
    @inlinable func tryLock() -> Bool { pthread_mutex_trylock(mutex) == 0 }
}
