/// How a packed inference matrix stores its weights.
public enum WeightPrecision: String, Sendable, CaseIterable {
    /// Weights as stored in Float32: exact.
    case float32
    /// Half the memory traffic; F16C converts on load. Products still accumulate in Float32.
    case float16
    /// A quarter of the memory traffic: each row stored as int8 with its own scale
    /// (max |w| / 127). For large ensembles, whose weights no longer fit in cache; logits
    /// move by ~1 % (measured in tests), so it is an option, never the default.
    case int8

    /// The precision that runs `models` exactly as their files hold them: Float16 when every
    /// model was stored as F16 (packing F16 values as F16 loses nothing), else Float32.
    public static func asStored(_ models: [Model]) -> WeightPrecision {
        !models.isEmpty && models.allSatisfy { $0.storedDType == .f16 } ? .float16 : .float32
    }
}

/// A row-major `[rows, columns]` matrix packed for single-vector products: each row padded
/// with zeros to `stride` (a multiple of 16) so the kernel runs whole vectors with no tail.
/// Owns its memory; immutable after packing.
public final class PackedMatrix: @unchecked Sendable {
    /// Rows of the logical matrix.
    public let rows: Int
    /// Columns of the logical matrix (before padding).
    public let columns: Int
    /// Elements between the starts of consecutive rows (≥ columns, multiple of 16).
    public let stride: Int
    /// How the weights are stored.
    public let precision: WeightPrecision
    private let storage: UnsafeMutableRawPointer
    /// Per-row scales (int8 only).
    private let scales: UnsafeMutablePointer<Float>?

    /// Columns padded up to the kernel's 16-lane step.
    public static func paddedWidth(_ n: Int) -> Int { (n + 15) & ~15 }

    /// Packs `rows` rows whose values `value(r, c)` come from the caller (so any source
    /// layout — PyTorch `[4H, I]`, gate blocks with padding — maps in without a copy).
    public init(rows: Int, columns: Int, precision: WeightPrecision, value: (Int, Int) -> Float) {
        precondition(rows > 0 && columns > 0, "PackedMatrix needs rows and columns > 0, got [\(rows), \(columns)]")
        self.rows = rows
        self.columns = columns
        self.stride = Self.paddedWidth(columns)
        self.precision = precision
        let count = rows * stride
        switch precision {
        case .float32:
            let p = UnsafeMutablePointer<Float>.allocate(capacity: count)
            p.initialize(repeating: 0, count: count)
            for r in 0..<rows { for c in 0..<columns { p[r * stride + c] = value(r, c) } }
            storage = UnsafeMutableRawPointer(p)
        case .float16:
            let p = UnsafeMutablePointer<Float16>.allocate(capacity: count)
            p.initialize(repeating: 0, count: count)
            for r in 0..<rows { for c in 0..<columns { p[r * stride + c] = Float16(value(r, c)) } }
            storage = UnsafeMutableRawPointer(p)
        case .int8:
            let p = UnsafeMutablePointer<Int8>.allocate(capacity: count)
            p.initialize(repeating: 0, count: count)
            let s = UnsafeMutablePointer<Float>.allocate(capacity: rows)
            for r in 0..<rows {
                let row = (0..<columns).map { value(r, $0) }
                let largest = row.reduce(Float(0)) { max($0, abs($1)) }
                s[r] = largest > 0 ? largest / 127 : 1
                for c in 0..<columns { p[r * stride + c] = Int8(max(-127, min(127, (row[c] / s[r]).rounded()))) }
            }
            storage = UnsafeMutableRawPointer(p)
            scales = s
            return
        }
        scales = nil
    }

    deinit {
        storage.deallocate()
        scales?.deallocate()
    }

    /// Bytes of weights one product streams through.
    public var byteCount: Int {
        switch precision {
        case .float32: rows * stride * 4
        case .float16: rows * stride * 2
        case .int8: rows * stride + rows * 4
        }
    }

    /// y[r] += Σ_c W[r, c] · x[c] for every row. `x` must hold `stride` values, its padding
    /// zero; `y` holds `rows` values.
    @inline(__always)
    public func multiplyAdd(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>) {
        switch precision {
        case .float32:
            MatrixVector.multiplyAdd(rows: rows, stride: stride, weights: storage.assumingMemoryBound(to: Float.self), x: x, y: y)
        case .float16:
            MatrixVector.multiplyAdd(rows: rows, stride: stride, weights: storage.assumingMemoryBound(to: Float16.self), x: x, y: y)
        case .int8:
            MatrixVector.multiplyAddScaled(rows: rows, stride: stride, weights: storage.assumingMemoryBound(to: Int8.self),
                                           scales: scales!, x: x, y: y)
        }
    }

    /// The stored value at (r, c), as Float (for tests and inspection).
    public func value(_ r: Int, _ c: Int) -> Float {
        precondition(r < rows && c < stride, "PackedMatrix[\(r), \(c)] outside [\(rows), \(stride)]")
        switch precision {
        case .float32: return storage.assumingMemoryBound(to: Float.self)[r * stride + c]
        case .float16: return Float(storage.assumingMemoryBound(to: Float16.self)[r * stride + c])
        case .int8: return Float(storage.assumingMemoryBound(to: Int8.self)[r * stride + c]) * scales![r]
        }
    }
}
