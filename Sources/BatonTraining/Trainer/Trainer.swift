import BatonCore
import Foundation

/// Trains a model on a batch source, validating on a held-out source, checkpointing at
/// every validation and stopping on a budget, on early stopping or when asked to.
///
/// What is on disk at any moment: the best model so far (by validation loss), the latest
/// weights with the optimiser state, the metrics CSV and the loss SVG — each written
/// atomically, so a crash or kill keeps the last complete set.
public final class Trainer {
    public private(set) var model: Model
    public let options: TrainingOptions
    public let paths: TrainingPaths
    let train: BatchSource
    let validation: BatchSource
    var optimizer: Optimizer
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
    }

    /// Runs until a budget, early stopping, or `shouldStop()` returns true (checked after
    /// every step; Ctrl-C sets it). Reports progress after every step.
    public func run(progress: (TrainingProgress) -> Void, shouldStop: () -> Bool) throws(TrainingError) -> TrainingSummary {
        // Parallelism is Baton's own (rows and row blocks across threads); BLAS stays single-threaded.
        BLAS.setThreads(1)
        var rng = SeededGenerator(seed: options.seed &+ UInt64(position.step))
        let network = TrainingNetwork(config: model.config, steps: train.steps, rows: train.rows, dropout: options.dropout, threads: options.threads)
        let validationNetwork = TrainingNetwork(config: model.config, steps: validation.steps, rows: validation.rows, threads: options.threads)
        var gradients = [Float](repeating: 0, count: model.parameters.count)
        let validateEvery = options.validateEvery ?? max(1, min(500, (train.batchesPerEpoch + 1) / 2))
        let startStep = position.step
        let clock = ContinuousClock(), started = clock.now
        let priorSeconds = position.seconds
        var smoothed: Double?, windowSum = 0.0, windowCount = 0.0
        var rateMeter = RateMeter()
        var reason: StopReason?
        var validatedAtStep = -1
        network.resetState()

        func elapsed() -> Double { priorSeconds + (clock.now - started).seconds }
        func remaining() -> Double? {
            var estimates: [Double] = []
            if let minutes = options.maxMinutes { estimates.append(max(0, minutes * 60 - elapsed())) }
            if let epochs = options.maxEpochs, rateMeter.stepsPerSecond > 0 {
                let stepsLeft = Double(epochs * train.batchesPerEpoch - position.epoch * train.batchesPerEpoch - position.batch)
                estimates.append(max(0, stepsLeft) / rateMeter.stepsPerSecond)
            }
            return estimates.min()
        }
        func budgetFraction() -> Double? {
            var fractions: [Double] = []
            if let minutes = options.maxMinutes { fractions.append(elapsed() / (minutes * 60)) }
            if let epochs = options.maxEpochs {
                fractions.append(Double(position.epoch * train.batchesPerEpoch + position.batch) / Double(epochs * train.batchesPerEpoch))
            }
            return fractions.max()
        }
        func report(validated: Bool) {
            progress(TrainingProgress(
                epoch: position.epoch, step: position.step, batch: position.batch, batchesPerEpoch: train.batchesPerEpoch,
                trainLoss: smoothed ?? .nan, validationLoss: position.lastValidation, bestValidationLoss: position.bestValidation,
                learningRate: scheduledRate(budgetFraction()), symbolsPerSecond: rateMeter.stepsPerSecond * Double(train.symbolsPerBatch),
                elapsedSeconds: elapsed(), remainingSeconds: remaining(), validated: validated))
        }
        func validateAndCheckpoint() throws(TrainingError) {
            let loss = evaluate(validationNetwork)
            guard loss.isFinite else {
                throw .nonFiniteLoss(step: position.step, lastCheckpoint: position.savedModel ? paths.model : nil)
            }
            validatedAtStep = position.step
            position.lastValidation = loss
            let improved = position.bestValidation.map { loss < $0 - 1e-4 } ?? true
            if improved {
                position.bestValidation = loss
                position.validationsWithoutImprovement = 0
                stampTrainingSummary(seconds: elapsed())
                do { try model.save(to: paths.model, dtype: options.saveDType) } catch { throw .cannotSave(error) }
                position.savedModel = true
            } else {
                position.validationsWithoutImprovement += 1
                if options.schedule == .plateau, position.validationsWithoutImprovement % 2 == 0 {
                    position.learningRate *= 0.5
                }
            }
            metrics.append(.init(step: position.step, epoch: epochFraction(), seconds: elapsed(),
                                 trainLoss: windowCount > 0 ? windowSum / windowCount : nil,
                                 validationLoss: loss, learningRate: scheduledRate(budgetFraction())))
            windowSum = 0; windowCount = 0
            position.seconds = elapsed()
            try saveCheckpoint()
            report(validated: true)
        }

        while reason == nil {
            if position.batch >= train.batchesPerEpoch {
                position.epoch += 1
                position.batch = 0
                network.resetState()
            }
            if let epochs = options.maxEpochs, position.epoch >= epochs { reason = .epochs; break }
            if let minutes = options.maxMinutes, elapsed() >= minutes * 60 { reason = .minutes; break }

            let batch = train.batch(epoch: position.epoch, index: position.batch, rng: &rng)
            if !train.carriesState { network.resetState() }
            let count = batch.countedPositions
            let lossSum = model.parameters.withUnsafeBufferPointer {
                network.forward(batch, parameters: $0.baseAddress!, training: true, rng: &rng)
            }
            let loss = lossSum / max(count, 1)
            guard loss.isFinite else {
                throw .nonFiniteLoss(step: position.step + 1, lastCheckpoint: position.savedModel ? paths.model : nil)
            }
            for i in gradients.indices { gradients[i] = 0 }
            model.parameters.withUnsafeBufferPointer { p in
                gradients.withUnsafeMutableBufferPointer { g in
                    network.backward(parameters: p.baseAddress!, gradients: g.baseAddress!, scale: Float(1 / max(count, 1)))
                }
            }
            clipGradientNorm(&gradients, maxNorm: options.clipNorm)
            optimizer.update(&model.parameters, gradients: gradients, rate: scheduledRate(budgetFraction()))
            if train.carriesState { network.carryStateForward() }

            position.step += 1
            position.batch += 1
            rateMeter.tick(clock.now)
            smoothed = smoothed.map { 0.98 * $0 + 0.02 * loss } ?? loss
            windowSum += loss; windowCount += 1
            if position.step % 10 == 0 {
                metrics.append(.init(step: position.step, epoch: epochFraction(), seconds: elapsed(), trainLoss: loss,
                                     validationLoss: nil, learningRate: scheduledRate(budgetFraction())))
            }
            report(validated: false)

            if (position.step - startStep) % validateEvery == 0 || position.batch == train.batchesPerEpoch {
                try validateAndCheckpoint()
                if position.validationsWithoutImprovement >= options.patience { reason = .earlyStopping }
            }
            if reason == nil, shouldStop() { reason = .interrupted }
        }
        if validatedAtStep != position.step, position.step > startStep {
            if reason == .interrupted {
                // Keep the work: latest weights and optimiser, without a slow validation pass.
                position.seconds = elapsed()
                try saveCheckpoint()
                if !position.savedModel {
                    stampTrainingSummary(seconds: elapsed())
                    do { try model.save(to: paths.model, dtype: options.saveDType) } catch { throw .cannotSave(error) }
                    position.savedModel = true
                }
            } else {
                try validateAndCheckpoint()
            }
        }
        return TrainingSummary(reason: reason ?? .interrupted, steps: position.step, epochs: epochFraction(),
                               bestValidationLoss: position.bestValidation, elapsedSeconds: elapsed(),
                               modelPath: paths.model, savedModel: position.savedModel)
    }

    /// Mean loss per counted position over the whole validation source, from the zero state.
    func evaluate(_ network: TrainingNetwork) -> Double {
        var rng = SeededGenerator(seed: 0x5EED)
        var total = 0.0, count = 0.0
        network.resetState()
        for index in 0..<validation.batchesPerEpoch {
            let batch = validation.batch(epoch: 0, index: index, rng: &rng)
            if !validation.carriesState { network.resetState() }
            total += model.parameters.withUnsafeBufferPointer {
                network.forward(batch, parameters: $0.baseAddress!, training: false, rng: &rng)
            }
            count += batch.countedPositions
            if validation.carriesState { network.carryStateForward() }
        }
        return total / max(count, 1)
    }

    func scheduledRate(_ fraction: Double?) -> Float {
        guard options.schedule == .cosine, let fraction else { return position.learningRate }
        let f = min(max(fraction, 0), 1)
        return position.learningRate * Float(0.1 + 0.9 * 0.5 * (1 + Foundation.cos(Double.pi * f)))
    }

    func epochFraction() -> Double {
        Double(position.epoch) + Double(position.batch) / Double(max(train.batchesPerEpoch, 1))
    }

    /// Records what produced the weights in the model's metadata.
    func stampTrainingSummary(seconds: Double) {
        var summary: [String: Any] = [
            "steps": position.step, "epochs": (epochFraction() * 100).rounded() / 100, "seconds": seconds.rounded(),
            "batch": train.rows, "window": train.steps, "optimizer": options.optimizer.rawValue,
            "learning_rate": Double(options.learningRate), "dropout": Double(options.dropout), "seed": NSNumber(value: options.seed),
        ]
        if let best = position.bestValidation { summary["validation_nll"] = (best * 10000).rounded() / 10000 }
        if let data = try? JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys]) {
            model.metadata[MetadataKey.training] = String(decoding: data, as: UTF8.self)
        }
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
