#if FUZZING
import _CLibFuzzer
#endif
import Foundation

/// Runs one fuzz target. Every target is an executable whose `main.swift` is one call:
/// `FuzzDriver.run("name") { bytes in … }`.
///
/// - Built by `scripts/fuzz.sh` (`-D FUZZING`, coverage and AddressSanitizer, libFuzzer
///   linked without its own main): hands `body` to libFuzzer with the command line, so
///   every libFuzzer flag works (`-max_total_time=60 DIR…`, or a crash file to reproduce).
/// - Built normally: a regression runner that replays the files named on the command line,
///   or the target's seed corpus `Fuzz/Corpus/NAME/`, through `body` and says how many
///   it ran. A crash stops it as it would stop the fuzzer.
///
/// `body` must only return for any input: a trap, a precondition or a sanitizer report
/// is a finding. Properties worth checking (round trips, invariants) are checked with
/// `FuzzDriver.require`.
public enum FuzzDriver {
    nonisolated(unsafe) static var body: ([UInt8]) -> Void = { _ in }

    public static func run(_ name: String, _ body: @escaping ([UInt8]) -> Void) -> Never {
        Self.body = body
        #if FUZZING
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        let status = LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            FuzzDriver.body(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
            return 0
        }
        exit(status)
        #else
        let arguments = Array(CommandLine.arguments.dropFirst())
        let inputs = arguments.isEmpty ? [corpusFolder(name)] : arguments
        var count = 0
        for path in inputs.flatMap(files) {
            guard let data = FileManager.default.contents(atPath: path) else {
                FileHandle.standardError.write(Data("fuzz-\(name): cannot read \(path)\n".utf8))
                exit(2)
            }
            body([UInt8](data))
            count += 1
        }
        print("fuzz-\(name): replayed \(count) inputs, no crash")
        exit(count > 0 ? 0 : 1)
        #endif
    }

    /// A property of the code under test; its failure is a finding like a crash.
    public static func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
                               file: StaticString = #filePath, line: UInt = #line) {
        if !condition() { preconditionFailure(message(), file: file, line: line) }
    }

    /// `Fuzz/Corpus/NAME`, beside this file's folder.
    static func corpusFolder(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Corpus").appendingPathComponent(name).path
    }

    /// The regular files at `path` (itself, or those directly inside it), sorted.
    static func files(_ path: String) -> [String] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return [path] }
        guard isFolder.boolValue else { return [path] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { (path as NSString).appendingPathComponent($0) }
    }
}
