import BatonCore
import BatonTraining
import Foundation

/// The performer's files: session logs, datasets built from them, and models trained on
/// those — with the steps that connect them (IMPSY's "log → dataset → model" loop), for
/// the Studio's instrument page and its HTTP API. Everything here does file work: callers
/// on an async executor run it with `Blocking.run`.
public final class Workshop: Sendable {
    /// The workspace folder.
    public let root: String
    /// The folders of session logs, datasets and trained models.
    public let logs: String, datasets: String, models: String
    let hub: EventHub
    /// Files the server has loaded (standardised paths): never overwritten without `overwrite`.
    let loadedFiles: Set<String>

    /// Training is one state machine under one lock, so two requests cannot both start a
    /// job and a cancel always reaches the job that runs (or is being prepared).
    struct Training {
        var preparing = false
        var cancelWhilePreparing = false
        var job: TrainingJob?
    }
    private let training = Locked(Training())
    private let counts = WorkspaceCounts()

    /// A workspace at `root`; `loadedFiles` are never overwritten unless a request says so.
    public init(root: String, logs: String? = nil, hub: EventHub, loadedFiles: [String] = []) {
        self.root = root
        self.logs = logs ?? (root as NSString).appendingPathComponent("logs")
        datasets = (root as NSString).appendingPathComponent("datasets")
        models = (root as NSString).appendingPathComponent("models")
        self.hub = hub
        self.loadedFiles = Set(loadedFiles.map(Self.standardised))
    }

    /// A file as the API shows it: its path relative to the workspace, never an absolute one.
    public struct FileEntry: Sendable, Codable, Equatable {
        /// The file name.
        public var name: String
        /// Its path relative to the workspace, e.g. `models/a.safetensors`.
        public var path: String
        /// Its size.
        public var bytes: Int
        /// When it last changed (ISO 8601).
        public var modified: String
        /// Logs and datasets: the performer's events in it.
        public var events: Int?
        /// Datasets: the takes (sequences) it holds.
        public var sequences: Int?
        /// Datasets: what it is good for, in a sentence ("325 events: play longer").
        public var verdict: String?
        /// `DatasetVerdict` level: too-few, short or enough.
        public var level: String?
    }

    /// The session logs, newest first, with their event counts.
    public func listLogs() -> [FileEntry] {
        list(logs, under: "logs", suffixes: [".csv", ".log"]).map { entry in
            var entry = entry
            entry.events = counts.log(at: (logs as NSString).appendingPathComponent(entry.name), stamp: "\(entry.bytes) \(entry.modified)")?.events
            return entry
        }
    }

    /// The datasets, newest first, with their event counts and verdicts.
    public func listDatasets() -> [FileEntry] {
        list(datasets, under: "datasets", suffixes: [".npz"]).map { entry in
            var entry = entry
            guard let count = counts.dataset(at: (datasets as NSString).appendingPathComponent(entry.name), stamp: "\(entry.bytes) \(entry.modified)") else {
                entry.verdict = "cannot be read as a dataset"
                entry.level = "too-few"
                return entry
            }
            let verdict = DatasetVerdict.judge(events: count.events)
            entry.events = count.events
            entry.sequences = count.sequences
            entry.verdict = verdict.text
            entry.level = verdict.level
            return entry
        }
    }

    /// The trained models (not their training state files), newest first.
    public func listModels() -> [FileEntry] {
        list(models, under: "models", suffixes: [".safetensors"]).filter { !$0.name.hasSuffix(".state.safetensors") }
    }

    private func list(_ folder: String, under label: String, suffixes: [String]) -> [FileEntry] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        let formatter = ISO8601DateFormatter()
        return names.filter { n in suffixes.contains { n.hasSuffix($0) } }.sorted().compactMap { name in
            let path = (folder as NSString).appendingPathComponent(name)
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
            let date = (attributes[.modificationDate] as? Date) ?? Date(timeIntervalSince1970: 0)
            return FileEntry(name: name, path: label + "/" + name, bytes: (attributes[.size] as? NSNumber)?.intValue ?? 0,
                             modified: formatter.string(from: date))
        }
    }

    /// Builds a dataset from every session log (the performer's rows) into `datasets/NAME.npz`.
    public func buildDataset(_ request: DatasetRequest) throws -> FileEntry {
        let stem = request.name ?? "sessions-\(SessionLog.timestamp(Date()).prefix(19).replacingOccurrences(of: ":", with: "-"))"
        let path = (datasets as NSString).appendingPathComponent(stem + ".npz")
        try refuseOverwriting(path, shown: "datasets/\(stem).npz", unless: request.overwrite)
        let (events, _) = try InteractionLogs.dataset(folder: logs)
        try FileManager.default.createDirectory(atPath: datasets, withIntermediateDirectories: true)
        try events.write(npz: path)
        return listDatasets().first { $0.name == stem + ".npz" } ?? FileEntry(name: stem + ".npz", path: "datasets/\(stem).npz", bytes: 0, modified: "")
    }

    /// Starts training a control model on `datasets/DATASET` in the background; progress is
    /// published as `training` events and the model lands in `models/`. Blocks while the
    /// dataset loads (call it off the async executor).
    public func startTraining(_ request: TrainRequest) throws -> TrainingJobStatus {
        try training.withLock { t throws(CommandError) in
            if t.preparing || t.job?.isRunning == true {
                throw CommandError("a training job is already running (\(t.job.map { ($0.status.model as NSString).lastPathComponent } ?? "starting")); cancel it first")
            }
            t.preparing = true
            t.cancelWhilePreparing = false
        }
        do {
            let job = try prepareJob(request)
            let cancelled = training.withLock { t -> Bool in
                t.preparing = false
                t.job = job
                return t.cancelWhilePreparing
            }
            if cancelled { job.cancel() }
            job.start()
            return job.status
        } catch {
            training.withLock { $0.preparing = false }
            throw error
        }
    }

    private func prepareJob(_ request: TrainRequest) throws -> TrainingJob {
        let datasetPath = (datasets as NSString).appendingPathComponent(request.dataset)
        let stem = request.name ?? ((request.dataset as NSString).deletingPathExtension + "-" + request.size)
        let out = (models as NSString).appendingPathComponent(stem + ".safetensors")
        try refuseOverwriting(out, shown: "models/\(stem).safetensors", unless: request.overwrite)
        let data = try SequenceSet.load(npz: datasetPath)
        let preset = try SizePreset.named(request.size, for: .control)
        var options = TrainingOptions()
        options.window = 50
        options.maxMinutes = request.minutes
        options.schedule = .cosine
        options.dropout = preset.dropout
        options.threads = max(1, ProcessInfo.processInfo.activeProcessorCount - 1)
        try FileManager.default.createDirectory(atPath: models, withIntermediateDirectories: true)
        let plan = try ContinuousTrainingPlan.make(
            kind: .control, data: data, ownValidation: nil, path: datasetPath, preset: preset, mixtures: 5, splitPause: 5,
            options: options, metadata: [MetadataKey.name: stem, MetadataKey.colour: ModelStyle.defaultColour(for: stem),
                                         MetadataKey.corpus: request.dataset, "size": request.size],
            start: nil)
        let trainer = Trainer(model: plan.model, train: plan.trainWindows, validation: plan.validationWindows, options: options,
                              paths: TrainingPaths(model: out))
        return TrainingJob(model: stem + ".safetensors", dataset: request.dataset, trainer: trainer, hub: hub, redact: { [self] in redact($0) })
    }

    /// An existing file, or one the server has loaded, is replaced only when asked.
    private func refuseOverwriting(_ path: String, shown: String, unless overwrite: Bool) throws(CommandError) {
        guard !overwrite else { return }
        if loadedFiles.contains(Self.standardised(path)) {
            throw CommandError("\(shown) is loaded by this server; choose another name (or send \"overwrite\": true)")
        }
        if FileManager.default.fileExists(atPath: path) {
            throw CommandError("\(shown) exists; choose another name (or send \"overwrite\": true)")
        }
    }

    /// Stops the running job (the best model so far is kept), or the one being prepared.
    public func cancelTraining() {
        let job = training.withLock { t -> TrainingJob? in
            if t.preparing { t.cancelWhilePreparing = true }
            return t.job
        }
        job?.cancel()
    }

    /// The current or last training job's status.
    public var trainingStatus: TrainingJobStatus? { training.withLock { $0.job }?.status }

    /// A workspace file name from a request: no folders, nothing hidden.
    public func modelFile(named name: String) -> String? {
        let file = (name as NSString).lastPathComponent
        guard file == name, !file.hasPrefix("."), file.hasSuffix(".safetensors") else { return nil }
        let path = (models as NSString).appendingPathComponent(file)
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// A message with the workspace's location taken out, so API answers never show
    /// absolute paths (`/home/me/baton-workspace/datasets/x.npz` → `datasets/x.npz`).
    public func redact(_ message: String) -> String {
        var text = message
        for prefix in Set([Self.standardised(root), root]) where !prefix.isEmpty {
            text = text.replacingOccurrences(of: prefix + "/", with: "")
        }
        return text
    }

    static func standardised(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }
}
