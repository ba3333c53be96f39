import Foundation

/// `POST /api/datasets`: build a dataset from the session logs.
public struct DatasetRequest: Sendable, Equatable, Decodable {
    /// The file's stem (letters, digits, - and _); nil: a name from the time.
    public var name: String?
    /// Replace an existing file of that name.
    public var overwrite = false

    /// A request for a dataset called `name`.
    public init(name: String? = nil, overwrite: Bool = false) {
        self.name = name
        self.overwrite = overwrite
    }

    enum Key: String, CodingKey { case name, overwrite }

    /// Decodes a client's request, keeping only a safe file stem.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        name = try c.decodeIfPresent(String.self, forKey: .name).flatMap { $0.isEmpty ? nil : try WorkshopName.sanitised($0) }
        overwrite = try c.decodeIfPresent(Bool.self, forKey: .overwrite) ?? false
    }
}

/// `POST /api/train`: train a control model on a dataset of the workspace.
public struct TrainRequest: Sendable, Equatable, Decodable {
    /// A file name in the workspace's datasets/ folder.
    public var dataset: String
    /// The size preset: xs, s, m or l.
    public var size: String
    /// The time budget.
    public var minutes: Double
    /// The model's file stem (nil: dataset and size).
    public var name: String?
    /// Replace an existing model of that name.
    public var overwrite: Bool

    /// A request to train on `dataset`.
    public init(dataset: String, size: String = "s", minutes: Double = 2, name: String? = nil, overwrite: Bool = false) {
        self.dataset = dataset
        self.size = size
        self.minutes = minutes
        self.name = name
        self.overwrite = overwrite
    }

    enum Key: String, CodingKey { case dataset, size, minutes, name, overwrite }

    /// Decodes a client's request: a .npz of datasets/, a known size, minutes in range, a safe name.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        let dataset = try c.decode(String.self, forKey: .dataset)
        guard dataset.hasSuffix(".npz") else { throw CommandError("\"dataset\" is a .npz file name from GET /api/datasets, got \"\(dataset)\"") }
        self.dataset = try WorkshopName.check(String(dataset.dropLast(4))) + ".npz"
        size = try c.decodeIfPresent(String.self, forKey: .size) ?? "s"
        guard ["xs", "s", "m", "l"].contains(size) else { throw CommandError("\"size\" is xs, s, m or l, got \"\(size)\"") }
        let fields = JSONFields(container: c)
        minutes = c.contains(.minutes) ? try fields.double(.minutes, LiveLimits.trainingMinutes) : 2
        name = try c.decodeIfPresent(String.self, forKey: .name).flatMap { $0.isEmpty ? nil : try WorkshopName.sanitised($0) }
        overwrite = try c.decodeIfPresent(Bool.self, forKey: .overwrite) ?? false
    }
}

/// `POST /api/instrument/model`: play another control model.
public struct ModelSwitchRequest: Sendable, Equatable, Decodable {
    /// A file name from GET /api/trained, or the name or file name of a control model the
    /// server loaded at start (the shipped instrument, say).
    public var name: String

    enum Key: String, CodingKey { case name }

    /// A request to play the model called `name`.
    public init(name: String) { self.name = name }

    /// Decodes a client's request; the name must fit `LiveLimits.modelNameBytes`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        name = try c.decode(String.self, forKey: .name)
        try LiveLimits.count(name.utf8.count, LiveLimits.modelNameBytes)
    }
}

/// File names the Workshop creates: letters, digits, - and _, so a request can never name
/// a folder, a hidden file or a path outside the workspace.
enum WorkshopName {
    /// A new name: other characters become "-" ("my sessions" → "my-sessions").
    static func sanitised(_ text: String) throws(CommandError) -> String {
        try check(String(text.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") ? $0 : "-" }))
    }

    /// An existing name, as listed by the API.
    static func check(_ name: String) throws(CommandError) -> String {
        try LiveLimits.count(name.count, LiveLimits.fileNameBytes)
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw CommandError("names hold letters, digits, - and _ only, got \"\(name)\"")
        }
        return name
    }
}
