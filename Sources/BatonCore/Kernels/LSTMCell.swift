import Foundation

/// The LSTM cell's elementwise update (Hochreiter & Schmidhuber 1997, with forget gate;
/// no peepholes), from gate pre-activations laid out as four blocks of `units` in the order
/// i, f, g, o (`ParameterLayout.Gate`):
///
///     i = σ(z_i)   f = σ(z_f)   g = tanh(z_g)   o = σ(z_o)
///     c ← f ⊙ c + i ⊙ g         h = o ⊙ tanh(c)
public enum LSTMCell {
    /// Eight units, one AVX register.
    public typealias Vector = SIMD8<Float>

    /// Eight units' activated gates: i, f, o = σ(z), g = tanh(z).
    public struct Gates {
        /// Input, forget, candidate and output gates, activated.
        public var i: Vector, f: Vector, g: Vector, o: Vector

        /// Gates from their activated values.
        @inlinable @inline(__always)
        public init(i: Vector, f: Vector, g: Vector, o: Vector) {
            self.i = i
            self.f = f
            self.g = g
            self.o = o
        }
    }

    /// The cell for eight units, in two stages that the stepper and the training forward
    /// pass both call (the one definition of the cell). Stage one: the activated gates
    /// from their pre-activations. (Training stores them between the stages, which keeps
    /// them out of registers while tanh(c) is computed.)
    @inlinable @inline(__always)
    public static func gates(input zi: Vector, forget zf: Vector, candidate zg: Vector, output zo: Vector) -> Gates {
        Gates(i: VectorMath.sigmoid(zi), f: VectorMath.sigmoid(zf), g: VectorMath.tanh(zg), o: VectorMath.sigmoid(zo))
    }

    /// Stage two: c = f⊙c_prev + i⊙g, tanh(c) and h = o⊙tanh(c).
    @inlinable @inline(__always)
    public static func state(_ a: Gates, previousCell: Vector) -> (cell: Vector, cellTanh: Vector, hidden: Vector) {
        let c = (a.f * previousCell).addingProduct(a.i, a.g)
        let tc = VectorMath.tanh(c)
        return (c, tc, a.o * tc)
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
            let a = gates(input: raw.loadUnaligned(fromByteOffset: 4 &* j, as: Vector.self),
                          forget: raw.loadUnaligned(fromByteOffset: 4 &* (units &+ j), as: Vector.self),
                          candidate: raw.loadUnaligned(fromByteOffset: 4 &* (2 &* units &+ j), as: Vector.self),
                          output: raw.loadUnaligned(fromByteOffset: 4 &* (3 &* units &+ j), as: Vector.self))
            let cRaw = UnsafeMutableRawPointer(cell + j)
            let step = state(a, previousCell: cRaw.loadUnaligned(as: Vector.self))
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
