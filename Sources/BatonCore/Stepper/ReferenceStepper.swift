/// The naive reference for `Stepper`: the same step written straight from the PyTorch
/// equations, reading the model's parameters in their file layout, in Double, with libm
/// activations. Slow; kept for tests that check the fast path against it.
public final class ReferenceStepper {
    /// The model it steps, read in its file layout.
    public let model: Model
    /// h of every layer after the last step.
    public private(set) var hidden: [[Double]]
    /// c of every layer after the last step.
    public private(set) var cell: [[Double]]

    /// A reference stepper at the zero state.
    public init(model: Model) {
        self.model = model
        let h = model.config.units
        hidden = Array(repeating: Array(repeating: 0, count: h), count: model.config.layers)
        cell = hidden
    }

    /// Returns to the zero state.
    public func reset() {
        for l in hidden.indices {
            for j in hidden[l].indices { hidden[l][j] = 0; cell[l][j] = 0 }
        }
    }

    /// One text symbol in; head output out.
    public func step(symbol: Int) -> [Float] {
        let config = model.config
        if let e = config.embedding {
            let base = model.layout.embedding!.offset + symbol * e
            return run(layer0Input: (0..<e).map { Double(model.parameters[base + $0]) })
        }
        var oneHot = [Double](repeating: 0, count: config.inputSize)
        oneHot[symbol] = 1
        return run(layer0Input: oneHot)
    }

    /// One continuous event in the data's units; head output out.
    public func step(input: [Float]) -> [Float] {
        let n = model.normalisation
        return run(layer0Input: input.enumerated().map { j, v in
            n.map { Double((v - $0.offset[j]) / $0.scale[j]) } ?? Double(v)
        })
    }

    private func run(layer0Input: [Double]) -> [Float] {
        let config = model.config, layout = model.layout, p = model.parameters
        let h = config.units
        var x = layer0Input
        for l in 0..<config.layers {
            let inSize = config.lstmInputSize(l)
            precondition(x.count == inSize, "reference layer \(l): input \(x.count), expected \(inSize)")
            let wih = layout.weightIH(l).offset, whh = layout.weightHH(l).offset
            let bih = layout.biasIH(l).offset, bhh = layout.biasHH(l).offset
            var z = [Double](repeating: 0, count: 4 * h)
            for r in 0..<(4 * h) {
                var sum = Double(p[bih + r]) + Double(p[bhh + r])
                for c in 0..<inSize { sum += Double(p[wih + r * inSize + c]) * x[c] }
                for c in 0..<h { sum += Double(p[whh + r * h + c]) * hidden[l][c] }
                z[r] = sum
            }
            LSTMCell.referenceUpdate(gates: z, units: h, cell: &cell[l], hidden: &hidden[l])
            x = hidden[l]
        }
        let o = config.head.outputSize, hw = layout.headWeight.offset, hb = layout.headBias.offset
        return (0..<o).map { r in
            var sum = Double(p[hb + r])
            for c in 0..<h { sum += Double(p[hw + r * h + c]) * x[c] }
            return Float(sum)
        }
    }
}
