import BatonCore
import BatonTraining
import Foundation

/// Which sections to run, how long to measure, and `--name value` settings for sections
/// that take them (`quality`).
struct BenchOptions {
    var sections: Set<String> = []
    var quick = false
    var long = false
    var values: [String: String] = [:]
    /// Sections that run only when named (they take many minutes).
    static let onRequest: Set<String> = ["quality"]

    init<S: Sequence>(_ arguments: S) where S.Element == String {
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--quick": quick = true
            case "--long": long = true
            case let flag where flag.hasPrefix("--"): values[String(flag.dropFirst(2))] = iterator.next() ?? ""
            default: sections.insert(argument)
            }
        }
    }

    func wants(_ section: String) -> Bool {
        sections.contains(section) || (sections.isEmpty && !Self.onRequest.contains(section))
    }

    func string(_ name: String) -> String? { values[name] }
    func int(_ name: String) -> Int? { values[name].flatMap { Int($0) } }
    func float(_ name: String) -> Float? { values[name].flatMap { Float($0) } }
    func double(_ name: String) -> Double? { values[name].flatMap { Double($0) } }
}

/// What the figures were measured on.
enum Machine {
    static var summary: String {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let cpu = (try? readFileBytes("/proc/cpuinfo")).map { String(decoding: $0, as: UTF8.self) }?
            .split(separator: "\n").first { $0.hasPrefix("model name") }?
            .split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
        return "\(cpu), \(cores) cores, OpenBLAS kernels \(BLAS.coreName)"
    }

    /// The 1-, 5- and 15-minute load averages (how busy the shared machine was).
    static var loadAverage: String {
        guard let text = try? readFileBytes("/proc/loadavg") else { return "unknown" }
        return String(decoding: text, as: UTF8.self).split(separator: " ").prefix(3).joined(separator: " ")
    }
}

/// Median and 99th percentile of a sample.
struct Percentiles {
    var median: Double
    var p99: Double

    init(_ samples: [Double]) {
        let sorted = samples.sorted()
        median = sorted[sorted.count / 2]
        p99 = sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))]
    }
}

/// Microseconds between two ticks of a monotonic clock.
@inline(__always)
func nowMicroseconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1000 }

/// Left-aligned first column, right-aligned others.
struct Table {
    var header: [String]
    var rows: [[String]] = []

    mutating func add(_ row: [String]) { rows.append(row) }

    func render() -> String {
        let widths = header.indices.map { c in ([header] + rows).map { $0[c].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { c, cell in
                c == 0 ? cell.padding(toLength: widths[c], withPad: " ", startingAt: 0)
                       : String(repeating: " ", count: widths[c] - cell.count) + cell
            }.joined(separator: "  ")
        }
        return ([line(header), line(header.indices.map { String(repeating: "-", count: widths[$0]) })] + rows.map(line)).joined(separator: "\n")
    }
}

func format(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }
func ratio(_ value: Double) -> String { value >= 10 ? String(format: "%.0f×", value) : String(format: "%.1f×", value) }

/// The repository root (benchmarks read ../shared and bench/peers from there).
enum Paths {
    static let root: URL = {
        var url = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path), url.path != "/" {
            url.deleteLastPathComponent()
        }
        return url
    }()

    /// A file of the shared datasets: under `BATON_SHARED` when set, else `../shared`
    /// beside the checkout. The benchmarks that need one say so when it is missing.
    static func shared(_ relative: String) -> String {
        let folder = ProcessInfo.processInfo.environment["BATON_SHARED"].map { URL(fileURLWithPath: $0) }
            ?? root.deletingLastPathComponent().appendingPathComponent("shared")
        return folder.appendingPathComponent(relative).path
    }

    /// The message a benchmark prints when `path` (from `shared`) is missing.
    static func missingShared(_ path: String) -> String {
        "skipped: \(path) is missing (put the shared data at ../shared beside the checkout, or set BATON_SHARED)"
    }
}
