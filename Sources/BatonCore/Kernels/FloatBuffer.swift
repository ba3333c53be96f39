/// A fixed-size, zero-initialised Float buffer allocated once and freed with its owner.
/// Hot paths use `pointer` directly: no uniqueness checks, no allocation per step.
public final class FloatBuffer: @unchecked Sendable {
    /// The number of values.
    public let count: Int
    /// The first value; valid while the buffer lives.
    public let pointer: UnsafeMutablePointer<Float>

    /// `count` zeros.
    public init(count: Int) {
        precondition(count >= 0, "FloatBuffer: negative count \(count)")
        self.count = count
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }

    /// A copy of `values`.
    public convenience init(_ values: [Float]) {
        self.init(count: values.count)
        for (i, v) in values.enumerated() { pointer[i] = v }
    }

    deinit { pointer.deallocate() }

    /// Sets every value to 0.
    public func zero() { pointer.update(repeating: 0, count: count) }

    /// The values as a buffer pointer, valid while the buffer lives.
    public var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: pointer, count: count) }

    /// A copy of the values.
    public var array: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
}
