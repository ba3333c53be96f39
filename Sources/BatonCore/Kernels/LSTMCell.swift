import Foundation

/// The LSTM cell's elementwise update (Hochreiter & Schmidhuber 1997, with forget gate;
/// no peepholes), from gate pre-activations laid out as four blocks of `units` in the order
/// i, f, g, o (`ParameterLayout.Gate`):
///
///     i = σ(z_i)   f = σ(z_f)   g = tanh(z_g)   o = σ(z_o)
///     c ← f ⊙ c + i ⊙ g         h = o ⊙ tanh(c)
public enum LSTMCell {
    public typealias Vector = SIMD8<Float>

    /// Eight units of the cell: the one definition the stepper and the training forward
    /// pass share. In: gate pre-activations and c_{t−1}; out: the activated gates, c_t,
    /// tanh(c_t) and h_t (callers store what they need; the rest is optimised away).
    @inlinable @inline(__always)
    public static func lanes(
        input zi: Vector, forget zf: Vector, candidate zg: Vector, output zo: Vector, previousCell: Vector
    ) -> (i: Vector, f: Vector, g: Vector, o: Vector, cell: Vector, cellTanh: Vector, hidden: Vector) {
        let i = VectorMath.sigmoid(zi), f = VectorMath.sigmoid(zf), g = VectorMath.tanh(zg), o = VectorMath.sigmoid(zo)
        let c = (f * previousCell).addingProduct(i, g)
        let tc = VectorMath.tanh(c)
        return (i, f, g, o, c, tc, o * tc)
    }

    /// The stepper's form: `units` a multiple of 8, c updated in place, h written.
    @inline(__always)
    public static func update(
        gates z: UnsafePointer<Float>, units: Int, cell: UnsafeMutablePointer<Float>, hidden: UnsafeMutablePointer<Float>
    ) {
        precondition(units % 8 == 0, "LSTMCell.update: units \(units) not a multiple of 8")
        let raw = UnsafeRawPointer(z)
        var j = 0
        while j < units {
            let cRaw = UnsafeMutableRawPointer(cell + j)
            let step = lanes(input: raw.loadUnaligned(fromByteOffset: 4 &* j, as: Vector.self),
                             forget: raw.loadUnaligned(fromByteOffset: 4 &* (units &+ j), as: Vector.self),
                             candidate: raw.loadUnaligned(fromByteOffset: 4 &* (2 &* units &+ j), as: Vector.self),
                             output: raw.loadUnaligned(fromByteOffset: 4 &* (3 &* units &+ j), as: Vector.self),
                             previousCell: cRaw.loadUnaligned(as: Vector.self))
            cRaw.storeBytes(of: step.cell, as: Vector.self)
            UnsafeMutableRawPointer(hidden + j).storeBytes(of: step.hidden, as: Vector.self)
            j &+= 8
        }
    }

    /// Naive reference in Double with libm's exp and tanh.
    public static func referenceUpdate(gates z: [Double], units: Int, cell: inout [Double], hidden: inout [Double]) {
        precondition(z.count == 4 * units && cell.count == units && hidden.count == units,
                     "LSTMCell.referenceUpdate: gates \(z.count), cell \(cell.count), hidden \(hidden.count) for \(units) units")
        func sigmoid(_ x: Double) -> Double { 1 / (1 + Foundation.exp(-x)) }
        for j in 0..<units {
            let i = sigmoid(z[j]), f = sigmoid(z[units + j])
            let g = Foundation.tanh(z[2 * units + j]), o = sigmoid(z[3 * units + j])
            cell[j] = f * cell[j] + i * g
            hidden[j] = o * Foundation.tanh(cell[j])
        }
    }
}
