import BatonCore

/// Everything a control or stroke training run needs, prepared from raw sequences: the
/// cleaned and split data, the normalisation, a fresh (or resumed) model and the windows.
/// Used by `baton train control|strokes` and by the Studio's train button alike.
public struct ContinuousTrainingPlan {
    public var model: Model
    public var train: SequenceSet
    public var validation: SequenceSet
    public var trainWindows: SequenceWindows
    public var validationWindows: SequenceWindows

    /// - `data`: sequences in the data's units; `ownValidation`: the file's own validation
    ///   part, if any (otherwise the trailing sequences are held out).
    /// - `start`: a model to continue (its normalisation is kept), or nil for a fresh one.
    public static func make(
        kind: ModelKind, data: SequenceSet, ownValidation: SequenceSet?, path: String, preset: SizePreset, mixtures: Int,
        splitPause: Float, options: TrainingOptions, metadata: [String: String], start: Model?
    ) throws -> ContinuousTrainingPlan {
        try options.validate()
        if start == nil {
            try ArchitectureLimits.check(layers: preset.layers, units: preset.units, mixtures: mixtures, dims: data.dims)
        }
        func prepare(_ set: SequenceSet) throws(DataError) -> SequenceSet {
            kind == .control ? try ControlData.prepare(set, path: path, splitPause: splitPause) : try StrokeData.prepare(set, path: path)
        }
        let all = try prepare(data)
        let (train, validation): (SequenceSet, SequenceSet)
        if let ownValidation {
            (train, validation) = (all, try prepare(ownValidation))
        } else {
            (train, validation) = all.split(validationFraction: options.validationFraction)
        }
        guard train.sequenceCount > 0, validation.sequenceCount > 0 else {
            throw DataError.tooShort(path: path, bytes: all.predictedEvents, needed: 4,
                            what: "the data (events with a successor after preparation, in enough sequences to hold some out for validation)")
        }
        var model: Model
        if let start {
            guard start.config.inputSize == train.dims else { throw DataError.dimensionMismatch(path: path, expected: start.config.inputSize, found: train.dims) }
            model = start
        } else {
            let head: OutputHead = kind == .control ? .mixtureDensity(dims: train.dims, mixtures: mixtures, sigma: .elu) : .strokes(mixtures: mixtures)
            var rng = SeededGenerator(seed: options.seed)
            model = Model.initialised(ModelConfig(kind: kind, inputSize: train.dims, layers: preset.layers, units: preset.units, head: head), using: &rng)
            model.normalisation = kind == .control ? ControlData.normalisation(for: train) : StrokeData.normalisation(for: train)
            model.metadata = metadata
            if kind == .control {
                model.metadata[MetadataKey.splitPause] = String(splitPause)
                model.metadata[ValueRange.key] = Self.range(of: train).json
            } else {
                let lengths = (0..<train.sequenceCount).map { train.length($0) }.sorted()
                model.metadata["typical_length"] = String(lengths[lengths.count / 2])
            }
        }
        let n = model.normalisation ?? .identity(dims: train.dims)
        return ContinuousTrainingPlan(
            model: model, train: train, validation: validation,
            trainWindows: SequenceWindows(set: train.normalised(n), steps: options.window, rows: options.batchSize, random: true),
            validationWindows: SequenceWindows(set: validation.normalised(n), steps: options.window, rows: options.batchSize, random: false))
    }

    static func range(of set: SequenceSet) -> ValueRange {
        var range = ValueRange(minimum: [Float](repeating: .greatestFiniteMagnitude, count: set.dims),
                               maximum: [Float](repeating: -.greatestFiniteMagnitude, count: set.dims))
        for (i, v) in set.values.enumerated() {
            range.minimum[i % set.dims] = min(range.minimum[i % set.dims], v)
            range.maximum[i % set.dims] = max(range.maximum[i % set.dims], v)
        }
        return range
    }
}
