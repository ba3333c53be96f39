import Foundation

/// The shared datasets and fixtures: under `BATON_SHARED` when it is set, otherwise in
/// `../shared` beside the checkout. A test that needs a file which is not there fails with
/// a message naming it and both ways to provide it.
enum SharedData {
    static let folder: URL = {
        if let path = ProcessInfo.processInfo.environment["BATON_SHARED"] { return URL(fileURLWithPath: path) }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared")
    }()

    struct Missing: Error, CustomStringConvertible {
        var path: String
        var description: String {
            "the shared data is missing: \(path) does not exist (put the shared folder at ../shared beside the checkout, or set BATON_SHARED to it)"
        }
    }

    /// `relative` under the shared folder, which must exist.
    static func url(_ relative: String) throws -> URL {
        let url = folder.appendingPathComponent(relative)
        guard FileManager.default.fileExists(atPath: url.path) else { throw Missing(path: url.path) }
        return url
    }
}
