/// A fixed-size, zero-initialised Float buffer allocated once and freed with its owner.
/// Hot paths use `pointer` directly: no uniqueness checks, no allocation per step.
public final class FloatBuffer: @unchecked Sendable {
    public let count: Int
    public let pointer: UnsafeMutablePointer<Float>

    public init(count: Int) {
        precondition(count >= 0, "FloatBuffer: negative count \(count)")
        self.count = count
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }

    public convenience init(_ values: [Float]) {
        self.init(count: values.count)
        for (i, v) in values.enumerated() { pointer[i] = v }
    }

    deinit { pointer.deallocate() }

    public func zero() { pointer.update(repeating: 0, count: count) }

    public var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: pointer, count: count) }

    public var array: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
}
