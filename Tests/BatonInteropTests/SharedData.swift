import Foundation

/// Where the shared datasets and fixtures are: `BATON_SHARED`, or `../shared` beside the
/// checkout (the layout of the development machines), or `/work/shared`.
enum SharedData {
    static let folder: URL = {
        if let path = ProcessInfo.processInfo.environment["BATON_SHARED"] { return URL(fileURLWithPath: path) }
        let beside = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared")
        if FileManager.default.fileExists(atPath: beside.path) { return beside }
        return URL(fileURLWithPath: "/work/shared")
    }()
}
