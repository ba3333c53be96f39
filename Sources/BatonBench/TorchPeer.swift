import Foundation

/// PyTorch on this machine, run as a separate process by bench/peers/torch_lstm.py.
struct TorchPeer {
    var python: String
    var version: String

    static func detect() -> TorchPeer? {
        let python = ProcessInfo.processInfo.environment["BATON_BENCH_PYTHON"] ?? "python3"
        guard let out = try? run(python, ["-c", "import torch; print(torch.__version__)"]),
              let version = out.split(separator: "\n").last.map(String.init), !version.isEmpty else { return nil }
        return TorchPeer(python: python, version: version)
    }

    /// Runs bench/peers/torch_lstm.py with `arguments`; its JSON object, or nil on failure.
    func measure(_ arguments: [String]) -> [String: Any]? { run(script: "torch_lstm.py", arguments) }

    /// Runs bench/peers/mdrnn_peers.py (PyTorch, Keras, TFLite) with `arguments`.
    func measureMDN(_ arguments: [String]) -> [String: Any]? { run(script: "mdrnn_peers.py", arguments) }

    private func run(script name: String, _ arguments: [String]) -> [String: Any]? {
        let script = Paths.root.appendingPathComponent("bench/peers/\(name)").path
        guard let out = try? Self.run(python, [script] + arguments),
              let line = out.split(separator: "\n").last,
              let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
        return object
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.executableLoad) }
        return String(decoding: data, as: UTF8.self)
    }
}
