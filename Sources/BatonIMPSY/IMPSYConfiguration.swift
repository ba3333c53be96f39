import BatonMIDI
import Foundation
import TOMLKit

/// An IMPSY `config.toml`, read as IMPSY reads it (keys in
/// ../shared/fixtures/impsy/configs/impsy-config-reference.md), checked, with a warning for
/// every key Baton does not use. `baton serve --impsy-config` turns it into a server.
public struct IMPSYConfiguration: Sendable {
    /// IMPSY's interaction modes, by IMPSY's names.
    public enum Mode: String, Sendable, CaseIterable {
        case callresponse, polyphony, battle, useronly
    }

    public struct MIDI: Sendable, Equatable {
        public var inDevices: [String] = []
        public var outDevices: [String] = []
        /// Per-device mappings, by the device names as written.
        public var inputs: [String: MIDIMapping] = [:]
        public var outputs: [String: MIDIMapping] = [:]
        public var feedbackProtection = false
        public var feedbackThreshold = 0.02
        public var thru: [String: [String]] = [:]
    }

    public struct OSC: Sendable, Equatable {
        public var serverIP: String
        public var serverPort: Int
        public var clientIP: String
        public var clientPort: Int
    }

    /// The file, as given.
    public var path: String
    public var title: String?
    public var verbose = false
    public var logPredictions = false
    public var mode = Mode.callresponse
    /// Seconds of performer silence before call-and-response answers.
    public var threshold = 0.1
    public var inputThru = false
    /// Values per event including dt.
    public var dimension: Int
    /// `[model] file` as written (relative to IMPSY's project folder), nil or empty for none.
    public var modelFile: String?
    public var size = "s"
    public var sigmaTemperature: Float = 0.01
    public var piTemperature: Float = 1
    public var timescale = 1.0
    public var midi: MIDI?
    public var osc: OSC?
    /// Keys and sections Baton reads but does not use, unknown keys, and defaults taken.
    public var warnings: [String] = []

    /// IMPSY's `size` names: LSTM layers and units (five mixtures throughout).
    public static let sizes: [String: (layers: Int, units: Int)] = [
        "xxs": (2, 16), "xs": (2, 32), "s": (2, 64), "m": (2, 128), "l": (2, 256), "xl": (3, 512),
    ]

    /// Reads and checks `path`. Throws for what IMPSY could not run either (bad TOML, no
    /// dimension, a mapping of the wrong length); everything else is a warning.
    public static func load(path: String) throws(IMPSYConfigError) -> IMPSYConfiguration {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw IMPSYConfigError(path: path, reason: "cannot read it", hint: "check the path")
        }
        let table: TOMLTable
        do { table = try TOMLTable(string: text) } catch let error as TOMLParseError {
            throw IMPSYConfigError(path: path, reason: "not valid TOML at line \(error.source.begin.line), column \(error.source.begin.column): \(error.description)",
                                   hint: "IMPSY could not read it either; fix the TOML syntax")
        } catch {
            throw IMPSYConfigError(path: path, reason: "not valid TOML: \(error)", hint: "fix the TOML syntax")
        }
        var reader = TOMLReader(path: path)
        let configuration = try parse(table, reader: &reader)
        return configuration
    }

    static func parse(_ root: TOMLTable, reader r: inout TOMLReader) throws(IMPSYConfigError) -> IMPSYConfiguration {
        let model = try r.table(root, "model", in: "") ?? TOMLTable()
        guard let dimension = try r.int(model, "dimension", in: "[model]") else {
            throw r.error("[model] dimension is missing", hint: "IMPSY needs it too: values per event including dt, e.g. dimension = 9")
        }
        guard (2...64).contains(dimension) else { throw r.error("[model] dimension = \(dimension) is outside 2–64", hint: "values per event including dt") }
        var c = IMPSYConfiguration(path: r.path, dimension: dimension)

        for key in root.keys {
            switch key {
            case "title": c.title = try r.string(root, key, in: "")
            case "owner", "description": _ = try r.string(root, key, in: "")
            case "verbose":
                c.verbose = try r.bool(root, key, in: "") ?? false
                if c.verbose { r.warn("verbose = true: Baton does not print every vector; its status line counts them and the Studio's Instrument page plots them") }
            case "log_predictions": c.logPredictions = try r.bool(root, key, in: "") ?? false
            case "log_input": r.warn("log_input: IMPSY does not read it; Baton always logs the performer")
            case "interaction", "model", "midi", "osc": break
            case "websocket": r.warn("[websocket] is not supported: ignored (Baton's WebSocket is on --http-port, JSON messages in docs/protocol.md)")
            case "serial", "serialmidi": r.warn("[\(key)] is not supported: ignored (Baton has no serial I/O; use a USB MIDI or OSC bridge)")
            case "webui": r.warn("[webui] is not supported: ignored (Baton's Studio, on --http-port, shows the instrument live)")
            default: r.warn("unknown key '\(key)': ignored")
            }
        }
        try c.readInteraction(root, &r)
        try c.readModel(model, &r)
        if let midi = try r.table(root, "midi", in: "") { c.midi = try MIDI.read(midi, values: dimension - 1, reader: &r) }
        if let osc = try r.table(root, "osc", in: "") { c.osc = try OSC.read(osc, reader: &r) }
        c.warnings = r.warnings
        return c
    }

    mutating func readInteraction(_ root: TOMLTable, _ r: inout TOMLReader) throws(IMPSYConfigError) {
        guard let interaction = try r.table(root, "interaction", in: "") else {
            r.warn("[interaction] is missing: callresponse mode, threshold 0.1 s, no input_thru")
            return
        }
        for key in interaction.keys {
            switch key {
            case "mode":
                let name = try r.string(interaction, key, in: "[interaction]") ?? ""
                guard let mode = Mode(rawValue: name) else {
                    throw r.error("[interaction] mode = \"\(name)\" is not an IMPSY mode", hint: "one of \(Mode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                self.mode = mode
            case "threshold":
                threshold = try r.number(interaction, key, in: "[interaction]", range: 0...3600) ?? threshold
            case "input_thru": inputThru = try r.bool(interaction, key, in: "[interaction]") ?? false
            default: r.warn("unknown key [interaction] \(key): ignored")
            }
        }
    }

    mutating func readModel(_ model: TOMLTable, _ r: inout TOMLReader) throws(IMPSYConfigError) {
        for key in model.keys {
            switch key {
            case "dimension": break
            case "file": modelFile = try r.string(model, key, in: "[model]")
            case "size":
                let name = try r.string(model, key, in: "[model]") ?? "s"
                guard Self.sizes[name] != nil else {
                    throw r.error("[model] size = \"\(name)\" is not an IMPSY size", hint: "one of xxs, xs, s, m, l, xl")
                }
                size = name
            case "sigmatemp": sigmaTemperature = Float(try r.number(model, key, in: "[model]", range: 1e-6...100) ?? 0.01)
            case "pitemp": piTemperature = Float(try r.number(model, key, in: "[model]", range: 1e-6...100) ?? 1)
            case "timescale": timescale = try r.number(model, key, in: "[model]", range: 0...1000) ?? 1
            default: r.warn("unknown key [model] \(key): ignored")
            }
        }
    }
}

/// Why an IMPSY config cannot run, with the file named.
public struct IMPSYConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var hint: String

    public init(path: String, reason: String, hint: String) {
        self.path = path
        self.reason = reason
        self.hint = hint
    }

    public var message: String { "IMPSY config \(path): \(reason)" }
    public var description: String { "\(message) (\(hint))" }
}
