@testable import BatonCore
import Foundation
import Testing

@Suite struct VectorMathTests {
    @Test func expMatchesLibmWithinTwoUlpOverItsRange() {
        var worst = 0.0
        var x: Float = -87
        while x <= 88 {
            let fast = Double(VectorMath.exp(x)), exact = Foundation.exp(Double(x))
            worst = max(worst, abs(fast - exact) / exact)
            x += 0.0137
        }
        #expect(worst < 2.5e-7, "worst relative error \(worst)")
    }

    @Test func sigmoidAndTanhAreAccurateAndSaturate() {
        var worst = 0.0
        var x: Float = -30
        while x <= 30 {
            worst = max(worst, abs(Double(VectorMath.sigmoid(x)) - 1 / (1 + Foundation.exp(-Double(x)))))
            worst = max(worst, abs(Double(VectorMath.tanh(x)) - Foundation.tanh(Double(x))))
            x += 0.0071
        }
        #expect(worst < 3e-7, "worst absolute error \(worst)")
        #expect(VectorMath.sigmoid(Float(-200)) >= 0 && VectorMath.sigmoid(Float(200)) == 1)
        #expect(VectorMath.tanh(Float(-200)) == -1 && VectorMath.tanh(Float(200)) == 1)
        #expect(!VectorMath.exp(Float(1000)).isNaN && VectorMath.exp(Float(-1000)) >= 0)
    }
}

@Suite struct MatrixVectorTests {
    static func random(_ count: Int, _ rng: inout SeededGenerator) -> [Float] {
        (0..<count).map { _ in Float(rng.nextGaussian()) }
    }

    @Test(arguments: [(1, 1), (3, 7), (4, 16), (9, 33), (64, 64), (70, 100)])
    func packedProductEqualsNaiveReference(rows: Int, columns: Int) {
        var rng = SeededGenerator(seed: UInt64(rows * 1000 + columns))
        let w = Self.random(rows * columns, &rng), x = Self.random(columns, &rng), y0 = Self.random(rows, &rng)
        var expected = y0
        MatrixVector.referenceMultiplyAdd(rows: rows, columns: columns, weights: w, x: x, y: &expected)
        for precision in WeightPrecision.allCases {
            let packed = PackedMatrix(rows: rows, columns: columns, precision: precision) { r, c in w[r * columns + c] }
            let xs = FloatBuffer(count: packed.stride)
            for c in 0..<columns { xs.pointer[c] = x[c] }
            let y = FloatBuffer(y0)
            withExtendedLifetime(xs) { packed.multiplyAdd(xs.pointer, into: y.pointer) }
            // Float16 weights round each weight to 11 significant bits, int8 to 1/254 of the row's largest.
            let tolerance: Float = switch precision {
            case .float32: 1e-4
            case .float16: 4e-3 * Float(columns).squareRoot()
            case .int8: 0.03 * Float(columns).squareRoot()
            }
            for r in 0..<rows {
                #expect(abs(y.pointer[r] - expected[r]) <= tolerance, "\(precision) row \(r): \(y.pointer[r]) vs \(expected[r])")
            }
        }
    }
}

@Suite struct LSTMCellTests {
    @Test func fastCellEqualsReference() {
        var rng = SeededGenerator(seed: 4)
        let units = 16
        let z = (0..<(4 * units)).map { _ in Float(rng.nextGaussian() * 3) }
        let c0 = (0..<units).map { _ in Float(rng.nextGaussian()) }
        let gates = FloatBuffer(z), cell = FloatBuffer(c0), hidden = FloatBuffer(count: units)
        withExtendedLifetime(gates) {
            LSTMCell.update(gates: gates.pointer, units: units, cell: cell.pointer, hidden: hidden.pointer)
        }
        var refCell = c0.map(Double.init), refHidden = [Double](repeating: 0, count: units)
        LSTMCell.referenceUpdate(gates: z.map(Double.init), units: units, cell: &refCell, hidden: &refHidden)
        for j in 0..<units {
            #expect(abs(Double(cell.pointer[j]) - refCell[j]) < 1e-6)
            #expect(abs(Double(hidden.pointer[j]) - refHidden[j]) < 1e-6)
        }
    }

    /// The gate order is stated once (ParameterLayout.Gate) and must be PyTorch's i, f, g, o.
    @Test func gateOrderIsPyTorchs() {
        #expect(ParameterLayout.Gate.allCases.map(\.rawValue) == [0, 1, 2, 3])
        #expect(ParameterLayout.Gate.input.rawValue == 0 && ParameterLayout.Gate.forget.rawValue == 1)
        #expect(ParameterLayout.Gate.candidate.rawValue == 2 && ParameterLayout.Gate.output.rawValue == 3)
        // A cell whose only open gate is "forget" (block 1) keeps its state: c ← c.
        let units = 8
        var z = [Float](repeating: -30, count: 4 * units)
        for j in units..<(2 * units) { z[j] = 30 }
        let gates = FloatBuffer(z), cell = FloatBuffer([Float](repeating: 0.5, count: units)), hidden = FloatBuffer(count: units)
        withExtendedLifetime(gates) {
            LSTMCell.update(gates: gates.pointer, units: units, cell: cell.pointer, hidden: hidden.pointer)
        }
        #expect(abs(cell.pointer[0] - 0.5) < 1e-6 && abs(hidden.pointer[0]) < 1e-6)
    }
}

@Suite struct SmallGemmTests {
    @Test(arguments: [(1, 16, 3), (4, 16, 8), (7, 40, 5), (32, 256, 64), (5, 20, 9), (9, 64, 256)])
    func blockedProductEqualsNaiveReference(m: Int, n: Int, k: Int) {
        var rng = SeededGenerator(seed: UInt64(m * 10_000 + n * 100 + k))
        let a = (0..<(m * k)).map { _ in Float(rng.nextGaussian()) }
        let b = (0..<(k * n)).map { _ in Float(rng.nextGaussian()) }
        let c0 = (0..<(m * n)).map { _ in Float(rng.nextGaussian()) }
        var expected = c0
        SmallGemm.referenceMultiplyAdd(m: m, n: n, k: k, a: a, b: b, c: &expected)
        var c = c0
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                c.withUnsafeMutableBufferPointer { cp in
                    SmallGemm.multiplyAdd(m: m, n: n, k: k, a: ap.baseAddress!, lda: k, b: bp.baseAddress!, ldb: n, c: cp.baseAddress!, ldc: n)
                }
            }
        }
        for i in c.indices { #expect(abs(c[i] - expected[i]) <= 1e-4 * Float(k).squareRoot(), "element \(i)") }
    }
}
