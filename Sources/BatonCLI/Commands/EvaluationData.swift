import BatonCore
import BatonTraining

/// What `baton eval` scores, read and checked once for both the static and the adaptive pass:
/// the bytes of a text file, or the prepared sequences of a control or stroke file.
enum EvaluationData {
    case text([UInt8])
    case sequences(SequenceSet)

    static func load(_ file: String, for model: Model, splitPause: Float?) throws -> EvaluationData {
        switch model.config.kind {
        case .text:
            let bytes = try readFileBytes(file, maximumBytes: TextCorpus.maximumBytes)
            guard bytes.count >= 2 else {
                throw CommandLineError(message: "\(file) has \(bytes.count) byte(s); scoring needs at least 2",
                                       hint: "the first byte is only input, so give a longer file")
            }
            return .text(bytes)
        case .control, .strokes:
            let input = try ContinuousDataInput.load(file)
            var events = input.validation ?? input.train
            if model.config.kind == .strokes { events = StrokeFrame.toModelFrame(events, for: model) }
            if model.config.kind == .control, let pause = splitPause ?? model.metadata[MetadataKey.splitPause].flatMap(Float.init) {
                events = try ControlData.prepare(events, path: file, splitPause: pause)
            }
            guard events.dims == model.config.inputSize else {
                throw DataError.dimensionMismatch(path: file, expected: model.config.inputSize, found: events.dims)
            }
            guard events.predictedEvents > 0 else {
                throw DataError.tooShort(path: file, bytes: events.eventCount, needed: 2, what: "every sequence (events)")
            }
            return .sequences(events)
        }
    }

    func score(_ model: Model, progress: ((Double) -> Void)?) -> EvaluationResult {
        switch self {
        case .text(let bytes): Evaluation.text(model: model, bytes: bytes, progress: progress)
        case .sequences(let set): Evaluation.sequences(model: model, values: set.values, offsets: set.offsets, progress: progress)
        }
    }

    func scoreAdapting(_ model: Model, options: AdaptationOptions, progress: ((Double) -> Void)?) -> EvaluationResult {
        switch self {
        case .text(let bytes): Evaluation.adaptiveText(model: model, bytes: bytes, options: options, progress: progress)
        case .sequences(let set):
            Evaluation.adaptiveSequences(model: model, values: set.values, offsets: set.offsets, options: options, progress: progress)
        }
    }
}
