import Foundation

/// Softmax, log-softmax and log-sum-exp over Float logits, eight lanes at a time with
/// `VectorMath.exp`, the max subtracted first (so any shift of the logits gives the same
/// result). Naive twins in Double: `ProbabilityReference`.
///
/// Edges: a −∞ logit gets probability exactly 0 (exp is flushed to 0 below e^−87, where
/// `VectorMath.exp` would clamp); when the largest logit is ±∞ the mass is shared equally
/// by the logits equal to it (all −∞: uniform); NaN in gives NaN out.
public enum Softmax {
    /// The eight lanes the kernels work on at a time.
    public typealias Vector = SIMD8<Float>

    /// e^x with exact zeros below −87 (where `VectorMath.exp` clamps to ~1.6e-38).
    @inlinable @inline(__always)
    static func exp(_ x: Vector) -> Vector {
        var e = VectorMath.exp(x)
        e.replace(with: 0, where: x .< Vector(repeating: -87))
        return e
    }

    @inlinable @inline(__always)
    static func exp(_ x: Float) -> Float { exp(Vector(repeating: x))[0] }

    @inlinable @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> Vector { UnsafeRawPointer(p).loadUnaligned(as: Vector.self) }

    @inlinable @inline(__always)
    static func store(_ v: Vector, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector.self) }

    /// The largest of `count` values (NaNs ignored).
    @inlinable @inline(__always)
    public static func maximum(_ z: UnsafePointer<Float>, count: Int) -> Float {
        var lanes = Vector(repeating: -.infinity), j = 0
        while j &+ 8 <= count {
            let v = load(z + j)
            lanes.replace(with: v, where: v .> lanes)
            j &+= 8
        }
        var m = lanes.max()
        while j < count { if z[j] > m { m = z[j] }; j &+= 1 }
        return m
    }

    /// Σ exp((z_j − shift)·β).
    @inlinable @inline(__always)
    public static func sumOfExp(_ z: UnsafePointer<Float>, count: Int, minus shift: Float, times beta: Float = 1) -> Float {
        let s = Vector(repeating: shift), b = Vector(repeating: beta)
        var lanes = Vector(), j = 0
        while j &+ 8 <= count {
            lanes += exp((load(z + j) - s) * b)
            j &+= 8
        }
        var sum = lanes.sum()
        while j < count { sum += exp((z[j] - shift) * beta); j &+= 1 }
        return sum
    }

    /// d_j = scale · exp(z_j − shift): the softmax once `shift` is the log normaliser.
    @inlinable @inline(__always)
    public static func scaledExp(_ z: UnsafePointer<Float>, count: Int, minus shift: Float, scale: Float, into d: UnsafeMutablePointer<Float>) {
        let s = Vector(repeating: shift), k = Vector(repeating: scale)
        var j = 0
        while j &+ 8 <= count {
            store(exp(load(z + j) - s) * k, d + j)
            j &+= 8
        }
        while j < count { d[j] = scale * exp(z[j] - shift); j &+= 1 }
    }

    /// log Σ exp(z_j / τ), `inverseTemperature` = 1/τ.
    @inlinable @inline(__always)
    public static func logSumExp(_ z: UnsafePointer<Float>, count: Int, inverseTemperature beta: Float = 1) -> Float {
        let m = maximum(z, count: count)
        guard m.isFinite else { return containsNaN(z, count: count) ? .nan : m }
        return m * beta + Foundation.log(sumOfExp(z, count: count, minus: m, times: beta))
    }

    /// probabilities = softmax(logits / τ), τ clamped by `Temperature`. Returns the log of
    /// the normaliser, log Σ exp(logit / τ). Safe in place (`probabilities` may alias `logits`).
    @discardableResult
    public static func softmax(
        _ logits: UnsafeBufferPointer<Float>, temperature: Float = 1, into probabilities: UnsafeMutableBufferPointer<Float>
    ) -> Float {
        let n = logits.count
        precondition(n == probabilities.count && n > 0, "softmax: \(n) logits into \(probabilities.count)")
        let z = logits.baseAddress!, p = probabilities.baseAddress!
        let beta = Temperature.inverse(temperature)
        let m = maximum(z, count: n)
        guard m.isFinite else { return shareAmongLargest(z, count: n, maximum: m, into: p) }
        let s = Vector(repeating: m), b = Vector(repeating: beta)
        var lanes = Vector(), j = 0
        while j &+ 8 <= n {
            let e = exp((load(z + j) - s) * b)
            store(e, p + j)
            lanes += e
            j &+= 8
        }
        var sum = lanes.sum()
        while j < n { let e = exp((z[j] - m) * beta); p[j] = e; sum += e; j &+= 1 }
        let scale = Vector(repeating: 1 / sum)
        j = 0
        while j &+ 8 <= n { store(load(p + j) * scale, p + j); j &+= 8 }
        while j < n { p[j] *= scale[0]; j &+= 1 }
        return m * beta + Foundation.log(sum)
    }

    /// out = log softmax(logits / τ), τ clamped by `Temperature`.
    @inlinable
    public static func logSoftmax(_ logits: UnsafeBufferPointer<Float>, temperature: Float = 1, into out: UnsafeMutablePointer<Float>) {
        let n = logits.count
        precondition(n > 0, "logSoftmax: no logits")
        let z = logits.baseAddress!
        let beta = Temperature.inverse(temperature)
        let m = maximum(z, count: n)
        guard m.isFinite else {
            let logTied = shareAmongLargest(z, count: n, maximum: m, into: out)
            for j in 0..<n { out[j] = out[j].isNaN ? .nan : (out[j] > 0 ? -logTied : -.infinity) }
            return
        }
        let s = Vector(repeating: m), b = Vector(repeating: beta)
        var lanes = Vector(), j = 0
        while j &+ 8 <= n {
            let x = (load(z + j) - s) * b
            store(x, out + j)
            lanes += exp(x)
            j &+= 8
        }
        var sum = lanes.sum()
        while j < n { let x = (z[j] - m) * beta; out[j] = x; sum += exp(x); j &+= 1 }
        let logSum = Foundation.log(sum), l = Vector(repeating: logSum)
        j = 0
        while j &+ 8 <= n { store(load(out + j) - l, out + j); j &+= 8 }
        while j < n { out[j] -= logSum; j &+= 1 }
    }

    /// The limit when the largest logit is ±∞: equal mass on the logits equal to it.
    /// Writes probabilities into `p` and returns log of their count.
    @usableFromInline
    static func shareAmongLargest(_ z: UnsafePointer<Float>, count n: Int, maximum m: Float, into p: UnsafeMutablePointer<Float>) -> Float {
        var tied = 0
        for j in 0..<n where z[j] == m { tied += 1 }
        if tied == 0 || containsNaN(z, count: n) {
            p.update(repeating: .nan, count: n)
            return .nan
        }
        let share = 1 / Float(tied)
        for j in 0..<n { p[j] = z[j] == m ? share : 0 }
        return Foundation.log(Float(tied))
    }

    @usableFromInline
    static func containsNaN(_ z: UnsafePointer<Float>, count n: Int) -> Bool {
        for j in 0..<n where z[j].isNaN { return true }
        return false
    }
}
