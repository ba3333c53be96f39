import BatonCore
import BatonTraining
import Foundation
import Synchronization

/// The performer's files: session logs, datasets built from them, and models trained on
/// those — with the steps that connect them (IMPSY's "log → dataset → model" loop), for
/// the Studio's instrument page and its HTTP API.
public final class Workshop: Sendable {
    public let logs: String, datasets: String, models: String
    let hub: EventHub
    private let job = Mutex<TrainingJob?>(nil)

    public init(root: String, logs: String? = nil, hub: EventHub) {
        self.logs = logs ?? (root as NSString).appendingPathComponent("logs")
        datasets = (root as NSString).appendingPathComponent("datasets")
        models = (root as NSString).appendingPathComponent("models")
        self.hub = hub
    }

    public struct FileEntry: Sendable, Codable, Equatable {
        public var name: String
        public var path: String
        public var bytes: Int
        public var modified: String
    }

    public func listLogs() -> [FileEntry] { list(logs, suffixes: [".csv", ".log"]) }
    public func listDatasets() -> [FileEntry] { list(datasets, suffixes: [".npz"]) }
    public func listModels() -> [FileEntry] { list(models, suffixes: [".safetensors"]).filter { !$0.name.hasSuffix(".state.safetensors") } }

    private func list(_ folder: String, suffixes: [String]) -> [FileEntry] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { n in suffixes.contains { n.hasSuffix($0) } }.sorted().compactMap { name in
            let path = (folder as NSString).appendingPathComponent(name)
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
            let date = (attributes[.modificationDate] as? Date) ?? Date(timeIntervalSince1970: 0)
            return FileEntry(name: name, path: path, bytes: (attributes[.size] as? NSNumber)?.intValue ?? 0,
                             modified: ISO8601DateFormatter().string(from: date))
        }
    }

    /// Builds a dataset from every session log (the performer's rows) into `datasets/NAME.npz`.
    public func buildDataset(name: String?) throws -> FileEntry {
        let (events, _) = try InteractionLogs.dataset(folder: logs)
        try FileManager.default.createDirectory(atPath: datasets, withIntermediateDirectories: true)
        let stem = Self.safeName(name ?? "sessions-\(SessionLog.timestamp(Date()).prefix(19).replacingOccurrences(of: ":", with: "-"))")
        let path = (datasets as NSString).appendingPathComponent(stem + ".npz")
        try events.write(npz: path)
        return listDatasets().first { $0.path == path } ?? FileEntry(name: stem + ".npz", path: path, bytes: 0, modified: "")
    }

    static func safeName(_ text: String) -> String {
        String(text.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" }.prefix(80))
    }

    /// Starts training a control model on `datasets/DATASET` in the background; progress is
    /// published as `training` events and the model lands in `models/`.
    public func startTraining(dataset: String, size: String, minutes: Double, name: String?) throws -> TrainingJobStatus {
        guard minutes > 0, minutes <= 600 else { throw CommandError("minutes must be in (0, 600]") }
        let datasetPath = (datasets as NSString).appendingPathComponent((dataset as NSString).lastPathComponent)
        if let running = job.withLock({ $0 }), running.status.state == "running" {
            throw CommandError("a training job is already running (\(running.status.model))")
        }
        let data = try SequenceSet.load(npz: datasetPath)
        let preset = try SizePreset.named(size, for: .control)
        var options = TrainingOptions()
        options.window = 50
        options.maxMinutes = minutes
        options.schedule = .cosine
        options.dropout = preset.dropout
        options.threads = max(1, ProcessInfo.processInfo.activeProcessorCount - 1)
        let stem = Self.safeName(name ?? ((dataset as NSString).deletingPathExtension + "-" + size))
        try FileManager.default.createDirectory(atPath: models, withIntermediateDirectories: true)
        let out = (models as NSString).appendingPathComponent(stem + ".safetensors")
        let plan = try ContinuousTrainingPlan.make(
            kind: .control, data: data, ownValidation: nil, path: datasetPath, preset: preset, mixtures: 5, splitPause: 5,
            options: options, metadata: [MetadataKey.name: stem, MetadataKey.colour: ModelStyle.defaultColour(for: stem),
                                         MetadataKey.corpus: (datasetPath as NSString).lastPathComponent, "size": size],
            start: nil)
        let trainer = Trainer(model: plan.model, train: plan.trainWindows, validation: plan.validationWindows, options: options,
                              paths: TrainingPaths(model: out))
        let running = TrainingJob(model: out, dataset: dataset, trainer: trainer, hub: hub)
        job.withLock { $0 = running }
        running.start()
        return running.status
    }

    public func cancelTraining() { job.withLock { $0 }?.cancel() }

    public var trainingStatus: TrainingJobStatus? { job.withLock { $0 }?.status }
}

/// What the Studio shows of a training job.
public struct TrainingJobStatus: Sendable, Codable, Equatable {
    public var model: String
    public var dataset: String
    /// running, finished, failed or cancelled.
    public var state: String
    public var epoch: Int = 0
    public var step: Int = 0
    public var trainLoss: Double?
    public var validationLoss: Double?
    public var bestValidationLoss: Double?
    public var eventsPerSecond: Double = 0
    public var elapsedSeconds: Double = 0
    public var remainingSeconds: Double?
    public var message: String?
}

/// One background training run.
final class TrainingJob: @unchecked Sendable {
    private let trainer: Trainer
    private let hub: EventHub
    private let state: Mutex<TrainingJobStatus>
    private let cancelled = Atomic<Bool>(false)

    init(model: String, dataset: String, trainer: Trainer, hub: EventHub) {
        self.trainer = trainer
        self.hub = hub
        state = Mutex(TrainingJobStatus(model: model, dataset: dataset, state: "running"))
    }

    var status: TrainingJobStatus { state.withLock { $0 } }

    func cancel() { cancelled.store(true, ordering: .relaxed) }

    func start() {
        let thread = Thread { [self] in
            var lastPublish = Date.distantPast
            do {
                let summary = try trainer.run(progress: { p in
                    let status = self.state.withLock { s -> TrainingJobStatus in
                        s.epoch = p.epoch; s.step = p.step
                        s.trainLoss = p.trainLoss.isFinite ? p.trainLoss : nil
                        s.validationLoss = p.validationLoss; s.bestValidationLoss = p.bestValidationLoss
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
                    s.bestValidationLoss = summary.bestValidationLoss
                    s.message = summary.reason.rawValue
                }
            } catch {
                state.withLock { $0.state = "failed"; $0.message = "\(error)"; $0.remainingSeconds = nil }
            }
            hub.publish(.training(status))
        }
        thread.name = "baton.training"
        thread.start()
    }
}
