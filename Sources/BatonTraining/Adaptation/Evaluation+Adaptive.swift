import BatonCore

/// `baton eval --adapt`: the same figures as `Evaluation.text` and `Evaluation.sequences`
/// (same predictions, same units), with the model adapting as it goes (`DynamicEvaluator`).
/// With rate 0 they equal the static figures up to float rounding.
extension Evaluation {
    /// Text from the zero state: N bytes give N − 1 predictions, in segments of T.
    public static func adaptiveText(
        model: Model, bytes: [UInt8], options: AdaptationOptions, threads: Int = 1, progress: ((Double) -> Void)? = nil
    ) -> EvaluationResult {
        precondition(model.config.kind == .text && bytes.count >= 2, "Evaluation.adaptiveText: text model and ≥ 2 bytes")
        let evaluator = DynamicEvaluator(model: model, options: options, threads: threads)
        let total = evaluator.read(text: bytes, progress: progress)
        return EvaluationResult(natsPerSymbol: total / Double(bytes.count - 1), symbols: bytes.count - 1)
    }

    /// Control or stroke sequences (`values` `[N, D]` in the data's units): each sequence from
    /// the zero state, the adapted weights carried from one sequence to the next (the same
    /// performer goes on playing). Densities in the data's units, as `Evaluation.sequences`.
    public static func adaptiveSequences(
        model: Model, values: [Float], offsets: [Int], options: AdaptationOptions, threads: Int = 1,
        progress: ((Double) -> Void)? = nil
    ) -> EvaluationResult {
        let config = model.config, d = config.inputSize
        precondition(config.kind != .text && values.count == offsets.last! * d,
                     "Evaluation.adaptiveSequences: \(values.count) values for \(offsets.last!) \(d)-d events")
        let normalisation = model.normalisation ?? .identity(dims: d)
        let scaled = values.indices.map { (values[$0] - normalisation.offset[$0 % d]) / normalisation.scale[$0 % d] }
        let logJacobian = EventSampler(model: model).logJacobian
        let evaluator = DynamicEvaluator(model: model, options: options, threads: threads)
        var total = 0.0, count = 0
        for s in 0..<(offsets.count - 1) where offsets[s + 1] - offsets[s] >= 2 {
            evaluator.resetState()
            var start = offsets[s]
            while start < offsets[s + 1] - 1 {
                let end = min(start + options.segment + 1, offsets[s + 1])
                let score = evaluator.scoreThenAdapt(events: scaled[(start * d)..<(end * d)])
                total += score.totalNats + Double(score.predictions) * logJacobian
                count += score.predictions
                start += options.segment
            }
            progress?(Double(offsets[s + 1]) / Double(offsets.last!))
        }
        return EvaluationResult(natsPerSymbol: total / Double(max(count, 1)), symbols: count)
    }
}

extension DynamicEvaluator {
    /// Reads a whole text from the current state, segment by segment (each scored, then
    /// taught), and returns Σ −log p over its `bytes.count − 1` predictions. The state is
    /// reset at the end (the last segment is short or the text is over).
    public func read(text bytes: [UInt8], progress: ((Double) -> Void)? = nil) -> Double {
        precondition(config.kind == .text && bytes.count >= 2, "DynamicEvaluator.read: text model and ≥ 2 bytes")
        var total = 0.0, start = 0, segments = 0
        let every = max(1, bytes.count / (200 * options.segment))
        while start < bytes.count - 1 {
            let end = min(start + options.segment + 1, bytes.count)
            total += scoreThenAdapt(symbols: bytes[start..<end]).totalNats
            start += options.segment
            segments += 1
            if segments % every == 0 { progress?(Double(min(start, bytes.count - 1)) / Double(bytes.count - 1)) }
        }
        progress?(1)
        return total
    }
}
