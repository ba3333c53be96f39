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

    /// Reads a CSV written by `csv` (to continue a curve on --resume), keeping rows up to
    /// `upToStep`. Lines that are not such a row (damaged, non-finite, out of order) are
    /// skipped: the curve is a record, and a damaged one must not stop training.
    public init(csv text: String, upToStep last: Int = .max) {
        for line in text.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            guard f.count == 6, let step = Int(f[0]), step >= 0, step <= last, step >= (rows.last?.step ?? 0),
                  let epoch = Double(f[1]), epoch.isFinite, let seconds = Double(f[2]), seconds.isFinite,
                  let rate = Float(f[5]), rate.isFinite else { continue }
            let train = Double(f[3]).flatMap { $0.isFinite ? $0 : nil }, validation = Double(f[4]).flatMap { $0.isFinite ? $0 : nil }
            rows.append(Row(step: step, epoch: epoch, seconds: seconds, trainLoss: train, validationLoss: validation, learningRate: rate))
        }
    }

    public func write(paths: TrainingPaths, title: String) throws(FileWriteError) {
        try writeAtomically(Array(csv.utf8), to: paths.metrics)
        try writeAtomically(Array(LossCurve.svg(self, title: title).utf8), to: paths.lossCurve)
    }
}
