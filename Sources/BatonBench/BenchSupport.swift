import BatonCore
import BatonTraining
import Foundation

/// Which sections to run, and how long to measure.
struct BenchOptions {
    var sections: Set<String> = []
    var quick = false

    init<S: Sequence>(_ arguments: S) where S.Element == String {
        for argument in arguments {
            if argument == "--quick" { quick = true } else { sections.insert(argument) }
        }
    }

    func wants(_ section: String) -> Bool { sections.isEmpty || sections.contains(section) }
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

    static func shared(_ relative: String) -> String {
        if let path = ProcessInfo.processInfo.environment["BATON_SHARED"] { return "\(path)/\(relative)" }
        let beside = root.deletingLastPathComponent().appendingPathComponent("shared")
        let folder = FileManager.default.fileExists(atPath: beside.path) ? beside : URL(fileURLWithPath: "/work/shared")
        return folder.appendingPathComponent(relative).path
    }
}
