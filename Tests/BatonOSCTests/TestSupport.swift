import Foundation
import Testing

/// Hex helpers and a runner for the peer implementations (liblo's oscsend, python-osc)
/// that produce the reference bytes.
enum TestSupport {
    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// Bytes from a hex string; whitespace is ignored. Nil for malformed hex.
    static func bytes(hex: String) -> [UInt8]? {
        let digits = hex.filter { !$0.isWhitespace }
        guard digits.count % 2 == 0 else { return nil }
        var result: [UInt8] = []
        var index = digits.startIndex
        while index < digits.endIndex {
            let next = digits.index(index, offsetBy: 2)
            guard let byte = UInt8(digits[index..<next], radix: 16) else { return nil }
            result.append(byte)
            index = next
        }
        return result
    }

    struct ProcessOutput {
        var status: Int32
        var stdout: [UInt8]
        var stderr: String
    }

    /// Runs `executable` with `arguments` and collects its output.
    static func run(_ executable: String, _ arguments: [String]) throws -> ProcessOutput {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ProcessOutput(status: process.terminationStatus, stdout: [UInt8](stdout), stderr: String(decoding: stderr, as: UTF8.self))
    }

    // MARK: liblo

    static let oscsendPath = "/usr/bin/oscsend"

    /// The bytes liblo's `oscsend - address types values...` writes to stdout. Fails the
    /// calling test (never skips) when liblo-tools is not installed.
    static func oscsend(_ address: String, _ types: String, _ values: [String] = []) throws -> [UInt8] {
        try #require(
            FileManager.default.isExecutableFile(atPath: oscsendPath),
            "\(oscsendPath) is missing: install liblo-tools (apt-get install liblo-tools); CI installs it"
        )
        let output = try run(oscsendPath, ["-", address, types] + values)
        try #require(output.status == 0, "oscsend \(address) \(types) \(values) failed: \(output.stderr)")
        return output.stdout
    }

    // MARK: python-osc

    /// Exit status our Python snippets use when `pythonosc` cannot be imported.
    static let missingPythonOSC: Int32 = 3

    /// Runs a Python 3 snippet (which should import pythonosc inside a try and exit with
    /// `missingPythonOSC` on ImportError) and returns its stdout as text. Fails the calling
    /// test with an install hint when python3 or python-osc is missing.
    static func python(_ script: String, _ arguments: [String] = []) throws -> String {
        let prelude = """
            import sys
            try:
                import pythonosc
            except ImportError:
                sys.stderr.write("python-osc is not installed")
                sys.exit(\(missingPythonOSC))

            """
        let output: ProcessOutput
        do {
            output = try run("/usr/bin/env", ["python3", "-c", prelude + script] + arguments)
        } catch {
            Issue.record("could not start /usr/bin/env python3: \(error); install python3 and `pip install python-osc` (CI installs them)")
            throw error
        }
        try #require(output.status != 127, "python3 not found on PATH: install python3 and `pip install python-osc` (CI installs them)")
        try #require(output.status != missingPythonOSC, "python-osc is missing: `pip install python-osc` (CI installs it)")
        try #require(output.status == 0, "python snippet failed (\(output.status)): \(output.stderr)")
        return String(decoding: output.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
