import BatonCore
import Foundation

/// The training curve: one row per logged step, rewritten atomically as CSV (and as an
/// SVG plot) at every validation, so a killed run leaves a complete file.
public struct MetricsLog: Sendable {
    public struct Row: Sendable, Equatable {
        public var step: Int
        public var epoch: Double
        public var seconds: Double
        public var trainLoss: Double?
        public var validationLoss: Double?
        public var learningRate: Float
    }

    public static let header = "step,epoch,seconds,train_nll,validation_nll,learning_rate"
    public private(set) var rows: [Row] = []

    public init() {}

    public mutating func append(_ row: Row) { rows.append(row) }

    public var csv: String {
        func number(_ v: Double?) -> String { v.map { String(format: "%.5f", $0) } ?? "" }
        var text = Self.header + "\n"
        for r in rows {
            text += "\(r.step),\(String(format: "%.4f", r.epoch)),\(String(format: "%.1f", r.seconds)),\(number(r.trainLoss)),\(number(r.validationLoss)),\(r.learningRate)\n"
        }
        return text
    }

    /// Reads a CSV written by `csv` (to continue a curve on --resume). Unparseable lines are skipped.
    public init(csv text: String) {
        for line in text.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 6, let step = Int(f[0]), let epoch = Double(f[1]), let seconds = Double(f[2]),
                  let rate = Float(f[5]) else { continue }
            rows.append(Row(step: step, epoch: epoch, seconds: seconds, trainLoss: Double(f[3]),
                            validationLoss: Double(f[4]), learningRate: rate))
        }
    }

    public func write(paths: TrainingPaths, title: String) throws(FileWriteError) {
        try writeAtomically(Array(csv.utf8), to: paths.metrics)
        try writeAtomically(Array(LossCurve.svg(self, title: title).utf8), to: paths.lossCurve)
    }
}
