import BatonCore
import BatonTraining
import Foundation
import Synchronization

/// What the Studio shows of a training job.
public struct TrainingJobStatus: Sendable, Codable, Equatable {
    /// The model's file name in the workspace's models/ folder.
    public var model: String
    /// The dataset's file name in datasets/.
    public var dataset: String
    /// running, finished, failed or cancelled.
    public var state: String
    /// Passes over the data so far.
    public var epoch: Int = 0
    /// Optimiser steps so far.
    public var step: Int = 0
    /// The latest training loss (nil until the first, or when not finite).
    public var trainLoss: Double?
    /// The latest validation loss.
    public var validationLoss: Double?
    /// The best validation loss; that model is the one kept.
    public var bestValidationLoss: Double?
    /// Training throughput.
    public var eventsPerSecond: Double = 0
    /// Seconds since the job started.
    public var elapsedSeconds: Double = 0
    /// Estimated seconds left in the time budget.
    public var remainingSeconds: Double?
    /// Why it stopped, or the error, once it has.
    public var message: String?
    /// Set when validation and training loss part ways (`OverfittingWatch`).
    public var warning: String?
}

/// One background training run.
final class TrainingJob: @unchecked Sendable {
    private let trainer: Trainer
    private let hub: EventHub
    private let state: Locked<TrainingJobStatus>
    private let cancelled = Atomic<Bool>(false)
    /// Takes the workspace's location out of error messages.
    private let redact: @Sendable (String) -> String

    init(model: String, dataset: String, trainer: Trainer, hub: EventHub, redact: @escaping @Sendable (String) -> String) {
        self.trainer = trainer
        self.hub = hub
        self.redact = redact
        state = Locked(TrainingJobStatus(model: model, dataset: dataset, state: "running"))
    }

    var status: TrainingJobStatus { state.withLock { $0 } }

    /// From creation until its thread ends (so a second job cannot start meanwhile).
    var isRunning: Bool { state.withLock { $0.state == "running" } }

    func cancel() { cancelled.store(true, ordering: .relaxed) }

    func start() {
        let thread = Thread { [self] in
            var lastPublish = Date.distantPast
            var watch = OverfittingWatch()
            do {
                let summary = try trainer.run(progress: { p in
                    if p.validated, let validation = p.validationLoss { watch.observe(train: p.trainLoss, validation: validation) }
                    let warning = watch.warning
                    let status = self.state.withLock { s -> TrainingJobStatus in
                        s.warning = warning
                        s.epoch = p.epoch; s.step = p.step
                        s.trainLoss = p.trainLoss.isFinite ? p.trainLoss : nil
                        s.validationLoss = p.validationLoss.flatMap { $0.isFinite ? $0 : nil }
                        s.bestValidationLoss = p.bestValidationLoss.flatMap { $0.isFinite ? $0 : nil }
                        s.eventsPerSecond = p.symbolsPerSecond; s.elapsedSeconds = p.elapsedSeconds; s.remainingSeconds = p.remainingSeconds
                        return s
                    }
                    if p.validated || Date().timeIntervalSince(lastPublish) > 0.5 {
                        lastPublish = Date()
                        self.hub.publish(.training(status))
                    }
                }, shouldStop: { self.cancelled.load(ordering: .relaxed) })
                state.withLock { s in
                    s.state = summary.reason == .interrupted ? "cancelled" : "finished"
                    s.remainingSeconds = nil
                    s.bestValidationLoss = summary.bestValidationLoss.flatMap { $0.isFinite ? $0 : nil }
                    s.message = summary.reason.rawValue
                }
            } catch {
                state.withLock { $0.state = "failed"; $0.message = redact("\(error)"); $0.remainingSeconds = nil }
            }
            hub.publish(.training(status))
        }
        thread.name = "baton.training"
        thread.start()
    }
}
