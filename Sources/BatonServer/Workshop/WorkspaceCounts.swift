import BatonCore
import BatonTraining
import Foundation

/// How many performer events a session log or dataset holds, for the Workshop's lists,
/// and what that means for training ("325 events: play longer"). Counts are cached per
/// file by size and modification time, so the Studio's periodic listing reads a file again
/// only when it changed.
final class WorkspaceCounts: Sendable {
    struct Count: Sendable, Equatable {
        var events: Int
        var sequences: Int
    }
    private let cache = Locked([String: (stamp: String, count: Count?)]())

    /// The events and sequences (takes) of a dataset; nil when it cannot be read.
    func dataset(at path: String, stamp: String) -> Count? {
        cached(path, stamp) {
            guard let set = try? SequenceSet.load(npz: path) else { return nil }
            return Count(events: set.eventCount, sequences: set.sequenceCount)
        }
    }

    /// The performer's events in a session log (lines whose source is `interface`).
    func log(at path: String, stamp: String) -> Count? {
        cached(path, stamp) {
            guard let data = FileManager.default.contents(atPath: path) else { return nil }
            let marker = Array(",interface,".utf8)
            var events = 0
            data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
                var i = 0
                while i + marker.count <= bytes.count {
                    if bytes[i] == marker[0], zip(marker.indices, marker).allSatisfy({ bytes[i + $0] == $1 }) { events += 1; i += marker.count } else { i += 1 }
                }
            }
            return Count(events: events, sequences: 1)
        }
    }

    private func cached(_ path: String, _ stamp: String, _ count: () -> Count?) -> Count? {
        if let hit = cache.withLock({ $0[path] }), hit.stamp == stamp { return hit.count }
        let value = count()
        cache.withLock { $0[path] = (stamp, value) }
        return value
    }
}

/// What a dataset of this many events is good for, in the words the Studio shows. The
/// bounds follow from how the Workshop trains: windows of 50 events, a tenth held out for
/// validation, and xs/s models of 15k–55k parameters that learn little from a few windows.
public enum DatasetVerdict {
    /// Fewer events than a training run can split into training and validation.
    public static let trainable = 4
    /// Below this a model mostly memorises (about 20 windows of 50 events).
    public static let short = 1_000
    /// From here there is enough for an s or m model.
    public static let plenty = 10_000

    /// `level`: "too-few" (cannot train), "short" (trains, learns little), "enough".
    public static func judge(events: Int) -> (level: String, text: String) {
        let count = grouped(events)
        switch events {
        case ..<trainable: return ("too-few", "\(count) events: too few to train on — play longer")
        case ..<short: return ("short", "\(count) events: play longer — a model learns little from fewer than 1,000")
        case ..<plenty: return ("enough", "\(count) events: enough for a first xs or s model")
        default: return ("enough", "\(count) events: enough for an s or m model")
        }
    }

    /// 12345 → "12,345".
    static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }
}
