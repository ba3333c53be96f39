import BatonCore

/// Named model sizes. Text sizes span the original RNN-ensemble work (Akten & Grierson
/// 2016: one layer of 256 up to three of 512); control and stroke sizes follow IMPS
/// (Martin & Torresen 2019).
public struct SizePreset: Sendable, Equatable {
    public var name: String
    public var layers: Int
    public var units: Int
    /// Inter-layer dropout that suits the size on corpora of about a megabyte.
    public var dropout: Float

    public static let text: [SizePreset] = [
        SizePreset(name: "s", layers: 1, units: 256, dropout: 0),
        SizePreset(name: "m", layers: 2, units: 256, dropout: 0.1),
        SizePreset(name: "l", layers: 2, units: 512, dropout: 0.2),
        SizePreset(name: "xl", layers: 3, units: 512, dropout: 0.25),
    ]

    public static let continuous: [SizePreset] = [
        SizePreset(name: "xs", layers: 2, units: 32, dropout: 0),
        SizePreset(name: "s", layers: 2, units: 64, dropout: 0),
        SizePreset(name: "m", layers: 2, units: 128, dropout: 0.1),
        SizePreset(name: "l", layers: 2, units: 256, dropout: 0.1),
        SizePreset(name: "xl", layers: 3, units: 512, dropout: 0.2),
    ]

    public static func presets(for kind: ModelKind) -> [SizePreset] {
        kind == .text ? text : continuous
    }

    public static func named(_ name: String, for kind: ModelKind) throws(SizeError) -> SizePreset {
        guard let preset = presets(for: kind).first(where: { $0.name == name.lowercased() }) else {
            throw SizeError(name: name, kind: kind)
        }
        return preset
    }
}

public struct SizeError: UserFacingError, Equatable {
    public var name: String
    public var kind: ModelKind
    public var message: String { "unknown \(kind.rawValue) model size '\(name)'" }
    public var hint: String {
        "choose one of " + SizePreset.presets(for: kind).map(\.name).joined(separator: ", ") + " (see `baton train --help`)"
    }
}
