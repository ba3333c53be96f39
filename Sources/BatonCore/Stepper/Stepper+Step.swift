extension Stepper {
    /// Feeds one symbol (a UTF-8 byte for text models) and returns the head output for the
    /// next one. Allocation-free.
    @discardableResult
    public func step(symbol: Int) -> UnsafeBufferPointer<Float> {
        precondition(symbol >= 0 && symbol < config.inputSize && config.kind == .text,
                     "step(symbol:) on a \(config.kind) model with input \(config.inputSize), symbol \(symbol)")
        let hp = paddedUnits
        if let table = symbolTable {
            gates.pointer.update(from: table.pointer + symbol &* 4 &* hp, count: 4 &* hp)
        }
        // For symbol input the matrix covers only h: the input half was the table lookup.
        matrices[0].multiplyAdd(inputs[0].pointer, into: gates.pointer)
        finishStep()
        return output
    }

    /// Feeds one continuous event in the data's own units (normalised here) and returns the
    /// head output. Allocation-free.
    @discardableResult
    public func step(input: UnsafeBufferPointer<Float>) -> UnsafeBufferPointer<Float> {
        precondition(config.kind != .text && input.count == config.inputSize,
                     "step(input:) on a \(config.kind) model with input \(config.inputSize), got \(input.count) values")
        let x = inputs[0].pointer
        if let normalisation {
            for j in 0..<input.count { x[j] = (input[j] - normalisation.offset[j]) / normalisation.scale[j] }
        } else {
            for j in 0..<input.count { x[j] = input[j] }
        }
        gates.pointer.update(from: biases[0].pointer, count: 4 &* paddedUnits)
        matrices[0].multiplyAdd(x, into: gates.pointer)
        finishStep()
        return output
    }

    /// Convenience for callers holding an array (allocates nothing beyond the call).
    @discardableResult
    public func step(input: [Float]) -> UnsafeBufferPointer<Float> {
        input.withUnsafeBufferPointer { step(input: $0) }
    }

    /// With layer 0's gate pre-activations in `gates`: cell updates up the stack, then the head.
    @inline(__always)
    private func finishStep() {
        let hp = paddedUnits
        for l in 0..<config.layers {
            if l > 0 {
                gates.pointer.update(from: biases[l].pointer, count: 4 &* hp)
                matrices[l].multiplyAdd(inputs[l].pointer, into: gates.pointer)
            }
            let h = inputs[l].pointer + inputWidths[l]
            LSTMCell.update(gates: gates.pointer, units: hp, cell: cells[l].pointer, hidden: h)
            if l &+ 1 < config.layers {
                inputs[l &+ 1].pointer.update(from: h, count: hp)
            }
        }
        outputBuffer.pointer.update(from: headBias.pointer, count: outputBuffer.count)
        head.multiplyAdd(inputs[config.layers &- 1].pointer + inputWidths[config.layers &- 1], into: outputBuffer.pointer)
    }
}

/// A copy of a stepper's state (h and c of every layer, and the head output they gave),
/// for lookahead. Reusing one snapshot allocates nothing after the first save.
public struct StepperState: Sendable, Equatable {
    /// The saved h, c and head output, in the stepper's padded layout.
    public internal(set) var values: [Float] = []
    /// An empty snapshot, sized by the first save.
    public init() {}
}

extension Stepper {
    /// Copies the current state into `state` (allocation-free once it has the right size).
    public func save(into state: inout StepperState) {
        let hp = paddedUnits
        let recurrent = 2 * hp * config.layers
        let needed = recurrent + outputBuffer.count
        if state.values.count != needed { state.values = [Float](repeating: 0, count: needed) }
        state.values.withUnsafeMutableBufferPointer { out in
            for l in 0..<config.layers {
                (out.baseAddress! + 2 &* l &* hp).update(from: inputs[l].pointer + inputWidths[l], count: hp)
                (out.baseAddress! + (2 &* l &+ 1) &* hp).update(from: cells[l].pointer, count: hp)
            }
            (out.baseAddress! + recurrent).update(from: outputBuffer.pointer, count: outputBuffer.count)
        }
    }

    /// Returns to a state saved from this stepper.
    public func restore(_ state: StepperState) {
        let hp = paddedUnits
        let recurrent = 2 * hp * config.layers
        precondition(state.values.count == recurrent + outputBuffer.count,
                     "restore: snapshot of \(state.values.count) values, stepper needs \(recurrent + outputBuffer.count)")
        state.values.withUnsafeBufferPointer { src in
            for l in 0..<config.layers {
                (inputs[l].pointer + inputWidths[l]).update(from: src.baseAddress! + 2 &* l &* hp, count: hp)
                cells[l].pointer.update(from: src.baseAddress! + (2 &* l &+ 1) &* hp, count: hp)
                if l > 0 { inputs[l].pointer.update(from: inputs[l &- 1].pointer + inputWidths[l &- 1], count: hp) }
            }
            outputBuffer.pointer.update(from: src.baseAddress! + recurrent, count: outputBuffer.count)
        }
    }
}
