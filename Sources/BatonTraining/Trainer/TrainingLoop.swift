import BatonCore
import Foundation

/// One `Trainer.run`: the networks, random stream, gradient buffer and clocks it needs,
/// and the named steps it is made of (`startEpochIfDue`, `budgetReached`, `trainOneStep`,
/// `isValidationDue`, `validateAndCheckpoint`, `finish`). The trainer keeps what outlives
/// the run (model, optimiser, average, position, metrics).
final class TrainingLoop {
    unowned let trainer: Trainer
    let progress: (TrainingProgress) -> Void
    var rng: SeededGenerator
    let network: TrainingNetwork
    let validationNetwork: TrainingNetwork
    var gradients: [Float]
    /// Validate after this many steps, and at epoch ends at least `validationGap` steps apart.
    let validateEvery: Int, validationGap: Int
    let startStep: Int
    let clock = ContinuousClock()
    let started: ContinuousClock.Instant
    /// Budget seconds spent by the runs this one resumes.
    let priorSeconds: Double
    /// Wall seconds spent validating in this run.
    var validationSeconds = 0.0
    var lastValidationStep: Int
    var validatedAtStep = -1
    /// Training loss: smoothed for the progress line, and summed since the last validation.
    var smoothed: Double?, windowSum = 0.0, windowCount = 0.0
    var rateMeter = RateMeter()

    init(trainer: Trainer, progress: @escaping (TrainingProgress) -> Void) {
        self.trainer = trainer
        self.progress = progress
        let options = trainer.options, config = trainer.model.config
        // Parallelism is Baton's own (rows and row blocks across threads); BLAS stays single-threaded.
        BLAS.setThreads(1)
        rng = SeededGenerator(seed: options.seed &+ UInt64(trainer.position.step))
        network = TrainingNetwork(config: config, steps: trainer.train.steps, rows: trainer.train.rows,
                                  dropout: options.dropoutSettings, threads: options.threads)
        validationNetwork = TrainingNetwork(config: config, steps: trainer.validation.steps, rows: trainer.validation.rows,
                                            threads: options.threads)
        gradients = [Float](repeating: 0, count: trainer.model.parameters.count)
        let gap = Self.validationGap(train: trainer.train, validation: trainer.validation)
        validationGap = options.validateEvery == nil ? gap : 1
        validateEvery = options.validateEvery ?? max(gap, min(500, (trainer.train.batchesPerEpoch + 1) / 2))
        startStep = trainer.position.step
        lastValidationStep = startStep
        started = clock.now
        priorSeconds = trainer.position.seconds
        network.resetState()
    }

    var options: TrainingOptions { trainer.options }
    var position: TrainingPosition {
        get { trainer.position }
        _modify { yield &trainer.position }
    }

    // MARK: - The steps of a run

    /// Wraps to the next epoch (from the zero state) after its last batch.
    func startEpochIfDue() {
        guard position.batch >= trainer.train.batchesPerEpoch else { return }
        position.epoch += 1
        position.batch = 0
        network.resetState()
    }

    /// The budget that ends the run before the next step, if one does.
    func budgetReached() -> StopReason? {
        if let epochs = options.maxEpochs, position.epoch >= epochs { return .epochs }
        if let steps = options.maxSteps, position.step >= steps { return .steps }
        if let minutes = options.maxMinutes, elapsed() >= minutes * 60 { return .minutes }
        return nil
    }

    /// One optimiser step on the next training window: forward, backward, clipping, update,
    /// averaging; then the position and the curve move on.
    func trainOneStep() throws(TrainingError) {
        let train = trainer.train
        let batch = train.batch(epoch: position.epoch, index: position.batch, rng: &rng)
        if !train.carriesState { network.resetState() }
        let loss = try computeGradients(batch)
        clipGradientNorm(&gradients, maxNorm: options.clipNorm)
        let rate = trainer.scheduledRate(budgetFraction(), step: position.step)
        trainer.optimizer.update(&trainer.model.parameters, gradients: gradients, rate: rate, weightDecay: options.weightDecay)
        trainer.average?.update(with: trainer.model.parameters)
        if train.carriesState { network.carryStateForward() }
        position.step += 1
        position.batch += 1
        record(loss: loss, rate: rate)
    }

    /// Due at the validation steps when given; otherwise every `validateEvery` steps, and at
    /// the end of an epoch when the last validation is `validationGap` steps back.
    var isValidationDue: Bool {
        if let steps = options.validationSteps { return steps.contains(position.step) }
        let since = position.step - lastValidationStep
        return since >= validateEvery || (position.batch == trainer.train.batchesPerEpoch && since >= validationGap)
    }

    /// The fewest steps between validations for which validating takes at most a tenth of
    /// the time: a validation symbol costs about a third of a training symbol (forward
    /// only). Counted in steps rather than seconds, so a seeded run validates, and keeps,
    /// the same weights however busy the machine is.
    static func validationGap(train: BatchSource, validation: BatchSource) -> Int {
        let validationSymbols = Double(validation.batchesPerEpoch * validation.symbolsPerBatch)
        let costInSteps = validationSymbols / 3 / Double(max(train.symbolsPerBatch, 1))
        return max(1, Int((9 * costInSteps).rounded(.up)))
    }

    /// Scores the served weights on the validation source; saves them as the model when they
    /// improved, and the latest state, metrics and plot in any case.
    func validateAndCheckpoint() throws(TrainingError) {
        let began = clock.now
        let loss = trainer.evaluate(validationNetwork)
        validationSeconds += (clock.now - began).seconds
        lastValidationStep = position.step
        guard loss.isFinite else {
            throw .nonFiniteLoss(step: position.step, lastCheckpoint: position.savedModel ? trainer.paths.model : nil)
        }
        validatedAtStep = position.step
        position.lastValidation = loss
        if position.bestValidation.map({ loss < $0 - 1e-4 }) ?? true {
            position.bestValidation = loss
            position.validationsWithoutImprovement = 0
            try trainer.saveModel(seconds: elapsed())
        } else {
            position.validationsWithoutImprovement += 1
            if options.schedule == .plateau, position.validationsWithoutImprovement % 2 == 0 {
                position.learningRate *= 0.5
            }
        }
        trainer.metrics.append(.init(step: position.step, epoch: trainer.epochFraction(), seconds: elapsed(),
                                     trainLoss: windowCount > 0 ? windowSum / windowCount : nil,
                                     validationLoss: loss, learningRate: trainer.scheduledRate(budgetFraction(), step: position.step)))
        windowSum = 0
        windowCount = 0
        position.seconds = elapsed()
        try trainer.saveCheckpoint()
        report(validated: true)
    }

    /// Closes the run: a last validation when the budget or early stopping ended it; on
    /// an interruption, the latest state (and a model if none was written) without one.
    func finish(_ reason: StopReason) throws(TrainingError) {
        guard validatedAtStep != position.step, position.step > startStep else { return }
        guard reason == .interrupted else { return try validateAndCheckpoint() }
        position.seconds = elapsed()
        try trainer.saveCheckpoint()
        if !position.savedModel { try trainer.saveModel(seconds: elapsed()) }
    }

    // MARK: - Parts of a step

    /// Forward and backward over `batch`; leaves the mean-loss gradient in `gradients` and
    /// returns the mean loss.
    private func computeGradients(_ batch: TrainingBatch) throws(TrainingError) -> Double {
        let count = max(batch.countedPositions, 1)
        let lossSum = trainer.model.parameters.withUnsafeBufferPointer {
            network.forward(batch, parameters: $0.baseAddress!, training: true, rng: &rng)
        }
        let loss = lossSum / count
        guard loss.isFinite else {
            throw .nonFiniteLoss(step: position.step + 1, lastCheckpoint: position.savedModel ? trainer.paths.model : nil)
        }
        for i in gradients.indices { gradients[i] = 0 }
        trainer.model.parameters.withUnsafeBufferPointer { p in
            gradients.withUnsafeMutableBufferPointer { g in
                network.backward(parameters: p.baseAddress!, gradients: g.baseAddress!, scale: Float(1 / count))
            }
        }
        return loss
    }

    /// The training curve and the progress line after a step.
    private func record(loss: Double, rate: Float) {
        rateMeter.tick(clock.now)
        smoothed = smoothed.map { 0.98 * $0 + 0.02 * loss } ?? loss
        windowSum += loss
        windowCount += 1
        if position.step % 10 == 0 {
            trainer.metrics.append(.init(step: position.step, epoch: trainer.epochFraction(), seconds: elapsed(), trainLoss: loss,
                                         validationLoss: nil, learningRate: rate))
        }
        report(validated: false)
    }

    // MARK: - Clocks

    /// Seconds on the budget clock: the wall clock, less validation unless it counts.
    func elapsed() -> Double {
        let wall = (clock.now - started).seconds
        return priorSeconds + wall - (options.budgetIncludesValidation ? 0 : validationSeconds)
    }

    func remaining() -> Double? {
        var estimates: [Double] = []
        if let minutes = options.maxMinutes { estimates.append(max(0, minutes * 60 - elapsed())) }
        if let epochs = options.maxEpochs, rateMeter.stepsPerSecond > 0 {
            let perEpoch = trainer.train.batchesPerEpoch
            let stepsLeft = Double(epochs * perEpoch - position.epoch * perEpoch - position.batch)
            estimates.append(max(0, stepsLeft) / rateMeter.stepsPerSecond)
        }
        return estimates.min()
    }

    /// How much of the budget is spent (the largest of time, epochs and steps), nil without one.
    func budgetFraction() -> Double? {
        var fractions: [Double] = []
        if let steps = options.maxSteps { fractions.append(Double(position.step) / Double(max(steps, 1))) }
        if let minutes = options.maxMinutes { fractions.append(elapsed() / (minutes * 60)) }
        if let epochs = options.maxEpochs {
            fractions.append(Double(position.epoch * trainer.train.batchesPerEpoch + position.batch) / Double(epochs * trainer.train.batchesPerEpoch))
        }
        return fractions.max()
    }

    func report(validated: Bool) {
        progress(TrainingProgress(
            epoch: position.epoch, step: position.step, batch: position.batch, batchesPerEpoch: trainer.train.batchesPerEpoch,
            trainLoss: smoothed ?? .nan, validationLoss: position.lastValidation, bestValidationLoss: position.bestValidation,
            learningRate: trainer.scheduledRate(budgetFraction(), step: position.step),
            symbolsPerSecond: rateMeter.stepsPerSecond * Double(trainer.train.symbolsPerBatch),
            elapsedSeconds: elapsed(), remainingSeconds: remaining(), validated: validated))
    }
}
