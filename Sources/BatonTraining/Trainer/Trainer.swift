import BatonCore
import Foundation

/// Trains a model on a batch source, validating on a held-out source, checkpointing at
/// every validation and stopping on a budget, on early stopping or when asked to.
///
/// What is on disk at any moment: the best model so far (by validation loss), the latest
/// weights with the optimiser state, the metrics CSV and the loss SVG — each written
/// atomically, so a crash or kill keeps the last complete set.
public final class Trainer {
    /// The weights the optimiser moves.
    public internal(set) var model: Model
    public let options: TrainingOptions
    public let paths: TrainingPaths
    let train: BatchSource
    let validation: BatchSource
    var optimizer: Optimizer
    /// The running weight average, when `options.averaging` is on.
    var average: WeightAverage?
    var position: TrainingPosition
    var metrics: MetricsLog
    /// Title of the loss plot.
    public var title: String

    public init(model: Model, train: BatchSource, validation: BatchSource, options: TrainingOptions, paths: TrainingPaths, resume: TrainingCheckpoint? = nil) {
        self.model = resume?.model ?? model
        self.options = options
        self.paths = paths
        self.train = train
        self.validation = validation
        optimizer = resume?.optimizer ?? Optimizer(kind: options.optimizer, parameterCount: model.parameters.count)
        position = resume?.position ?? TrainingPosition(learningRate: options.learningRate)
        if options.overrideLearningRate { position.learningRate = options.learningRate }
        metrics = resume?.metrics ?? MetricsLog()
        title = model.displayName
        if options.averaging > 0 {
            let start = resume?.averageValues ?? self.model.parameters
            average = WeightAverage(decay: options.averaging, parameters: start, updates: resume?.position.averageUpdates ?? 0)
        }
    }

    /// Runs until a budget, early stopping, or `shouldStop()` returns true (checked after
    /// every step; Ctrl-C sets it). Reports progress after every step.
    public func run(progress: (TrainingProgress) -> Void, shouldStop: () -> Bool) throws(TrainingError) -> TrainingSummary {
        try options.validate()
        let result = withoutActuallyEscaping(progress) { progress in
            Result { () throws(TrainingError) in try run(TrainingLoop(trainer: self, progress: progress), shouldStop: shouldStop) }
        }
        return try result.get()
    }

    /// The run as a sequence of named steps.
    private func run(_ loop: TrainingLoop, shouldStop: () -> Bool) throws(TrainingError) -> TrainingSummary {
        var reason: StopReason?
        while reason == nil {
            loop.startEpochIfDue()
            if let budget = loop.budgetReached() { reason = budget; break }
            try loop.trainOneStep()
            if loop.isValidationDue {
                try loop.validateAndCheckpoint()
                if position.validationsWithoutImprovement >= options.patience { reason = .earlyStopping }
            }
            if reason == nil, shouldStop() { reason = .interrupted }
        }
        let stop = reason ?? .interrupted
        try loop.finish(stop)
        return TrainingSummary(reason: stop, steps: position.step, epochs: epochFraction(),
                               bestValidationLoss: position.bestValidation, elapsedSeconds: loop.elapsed(),
                               modelPath: paths.model, savedModel: position.savedModel)
    }

    /// The weights validation scores and the model file keeps: the average when averaging
    /// is on, the optimiser's weights otherwise.
    var servedParameters: [Float] { average?.values ?? model.parameters }

    /// Mean loss per counted position over the whole validation source, from the zero state.
    func evaluate(_ network: TrainingNetwork) -> Double {
        var rng = SeededGenerator(seed: 0x5EED)
        var total = 0.0, count = 0.0
        let parameters = servedParameters
        network.resetState()
        for index in 0..<validation.batchesPerEpoch {
            let batch = validation.batch(epoch: 0, index: index, rng: &rng)
            if !validation.carriesState { network.resetState() }
            total += parameters.withUnsafeBufferPointer {
                network.forward(batch, parameters: $0.baseAddress!, training: false, rng: &rng)
            }
            count += batch.countedPositions
            if validation.carriesState { network.carryStateForward() }
        }
        return total / max(count, 1)
    }

    /// The learning rate at `fraction` of the budget (nil: no budget) before update `step`:
    /// the schedule, times the linear warm-up over the first `warmupSteps` updates.
    func scheduledRate(_ fraction: Double?, step: Int) -> Float {
        var rate = position.learningRate
        if options.schedule == .cosine, let fraction {
            let f = min(max(fraction, 0), 1), floor = Double(options.finalRateFraction)
            rate *= Float(floor + (1 - floor) * 0.5 * (1 + Foundation.cos(Double.pi * f)))
        }
        if options.warmupSteps > 0, step < options.warmupSteps {
            rate *= Float(step + 1) / Float(options.warmupSteps)
        }
        return rate
    }

    func epochFraction() -> Double {
        Double(position.epoch) + Double(position.batch) / Double(max(train.batchesPerEpoch, 1))
    }

    /// Writes the served weights as the model file, with what produced them in its metadata.
    func saveModel(seconds: Double) throws(TrainingError) {
        var served = model
        served.parameters = servedParameters
        served.metadata[MetadataKey.training] = trainingSummaryJSON(seconds: seconds)
        do { try served.save(to: paths.model, dtype: options.saveDType) } catch { throw .cannotSave(error) }
        position.savedModel = true
    }

    /// The training summary in the model's metadata: the recipe and where it got to.
    func trainingSummaryJSON(seconds: Double) -> String? {
        var summary: [String: Any] = [
            "steps": position.step, "epochs": (epochFraction() * 100).rounded() / 100, "seconds": seconds.rounded(),
            "batch": train.rows, "window": train.steps, "optimizer": options.optimizer.rawValue,
            "learning_rate": Double(options.learningRate), "dropout": Double(options.dropout), "seed": NSNumber(value: options.seed),
        ]
        if options.lockedDropout { summary["locked_dropout"] = true }
        if options.weightDrop > 0 { summary["weight_drop"] = Double(options.weightDrop) }
        if options.symbolDropout > 0 { summary["symbol_dropout"] = Double(options.symbolDropout) }
        if options.weightDecay > 0 { summary["weight_decay"] = Double(options.weightDecay) }
        if options.averaging > 0 { summary["averaging"] = options.averaging }
        if options.warmupSteps > 0 { summary["warmup_steps"] = options.warmupSteps }
        if let best = position.bestValidation { summary["validation_nll"] = (best * 10000).rounded() / 10000 }
        guard let data = try? JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys]) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}

/// Steps per second over the last few seconds.
struct RateMeter {
    private var times: [ContinuousClock.Instant] = []

    mutating func tick(_ now: ContinuousClock.Instant) {
        times.append(now)
        while times.count > 2, (now - times[0]).seconds > 10 { times.removeFirst() }
    }

    var stepsPerSecond: Double {
        guard times.count >= 2 else { return 0 }
        let span = (times[times.count - 1] - times[0]).seconds
        return span > 0 ? Double(times.count - 1) / span : 0
    }
}
