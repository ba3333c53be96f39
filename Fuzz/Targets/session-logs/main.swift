import BatonCore
import BatonFuzzSupport
import BatonTraining

// Session CSV (header + events) and IMPS interaction logs, then the preparation training
// applies. The first byte picks the reader (both see every input over a run).
FuzzDriver.run("session-logs") { bytes in
    guard let first = bytes.first else { return }
    let body = Array(bytes.dropFirst())
    var sets: [SequenceSet] = []
    if first & 1 == 0 {
        if let (columns, events) = try? EventCSV.parse(body, path: "fuzz.csv") {
            FuzzDriver.require(columns.count == events.dims, "\(columns.count) columns but \(events.dims) dims")
            sets.append(events)
        }
    } else if let rows = try? InteractionLogs.parse(body, path: "fuzz.log") {
        let kept = rows.filter { $0.source == "interface" }
        if let row = kept.first, kept.count >= 2, let flat = try? InteractionLogs.events(kept, dims: row.values.count + 1, path: "fuzz.log") {
            var set = SequenceSet(dims: row.values.count + 1)
            set.append(sequence: flat)
            sets.append(set)
        }
    }
    for set in sets {
        FuzzDriver.require(set.values.allSatisfy(\.isFinite), "parsed events hold non-finite values")
        guard let prepared = try? ControlData.prepare(set, path: "fuzz", splitPause: 5) else { continue }
        let normalisation = ControlData.normalisation(for: prepared)
        FuzzDriver.require(normalisation.scale.allSatisfy { $0.isFinite && $0 > 0 }, "normalisation scale \(normalisation.scale)")
        _ = prepared.split(validationFraction: 0.1)
    }
}
