import Foundation

/// The LSTM cell's elementwise update (Hochreiter & Schmidhuber 1997, with forget gate;
/// no peepholes), from gate pre-activations laid out as four blocks of `units` in the order
/// i, f, g, o (`ParameterLayout.Gate`):
///
///     i = σ(z_i)   f = σ(z_f)   g = tanh(z_g)   o = σ(z_o)
///     c ← f ⊙ c + i ⊙ g         h = o ⊙ tanh(c)
public enum LSTMCell {
    /// Fast form: `units` a multiple of 8; SIMD8 lanes, VectorMath activations.
    @inline(__always)
    public static func update(
        gates z: UnsafePointer<Float>, units: Int, cell: UnsafeMutablePointer<Float>, hidden: UnsafeMutablePointer<Float>
    ) {
        precondition(units % 8 == 0, "LSTMCell.update: units \(units) not a multiple of 8")
        let raw = UnsafeRawPointer(z)
        var j = 0
        while j < units {
            let i = VectorMath.sigmoid(raw.loadUnaligned(fromByteOffset: 4 &* j, as: SIMD8<Float>.self))
            let f = VectorMath.sigmoid(raw.loadUnaligned(fromByteOffset: 4 &* (units &+ j), as: SIMD8<Float>.self))
            let g = VectorMath.tanh(raw.loadUnaligned(fromByteOffset: 4 &* (2 &* units &+ j), as: SIMD8<Float>.self))
            let o = VectorMath.sigmoid(raw.loadUnaligned(fromByteOffset: 4 &* (3 &* units &+ j), as: SIMD8<Float>.self))
            let cRaw = UnsafeMutableRawPointer(cell + j)
            let c = (f * cRaw.loadUnaligned(as: SIMD8<Float>.self)).addingProduct(i, g)
            cRaw.storeBytes(of: c, as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(hidden + j).storeBytes(of: o * VectorMath.tanh(c), as: SIMD8<Float>.self)
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
