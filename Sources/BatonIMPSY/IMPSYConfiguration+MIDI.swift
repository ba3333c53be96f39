import BatonMIDI
import Foundation
import TOMLKit

extension IMPSYConfiguration.MIDI {
    /// `[midi]`: devices, per-device mappings of `values` entries each, feedback protection,
    /// the thru matrix. Devices without a mapping (and mappings without a device) are warned
    /// about, not refused: IMPSY itself only fails on them once a message arrives.
    static func read(_ t: TOMLTable, values: Int, reader r: inout TOMLReader) throws(IMPSYConfigError) -> Self {
        var m = Self()
        for key in t.keys {
            switch key {
            case "in_device": m.inDevices = try r.strings(t, key, in: "[midi]") ?? []
            case "out_device": m.outDevices = try r.strings(t, key, in: "[midi]") ?? []
            case "input": m.inputs = try mappings(t, key, values: values, reader: &r)
            case "output": m.outputs = try mappings(t, key, values: values, reader: &r)
            case "feedback_protection": m.feedbackProtection = try r.bool(t, key, in: "[midi]") ?? false
            case "feedback_threshold": m.feedbackThreshold = try r.number(t, key, in: "[midi]", range: 0...10) ?? 0.02
            case "thru_matrix":
                guard let table = try r.table(t, key, in: "[midi]") else { continue }
                for input in table.keys { m.thru[input] = try r.strings(table, input, in: "[midi] thru_matrix") ?? [] }
            default: r.warn("unknown key [midi] \(key): ignored")
            }
        }
        if t["in_device"] == nil { r.warn("[midi] in_device is missing: no MIDI inputs") }
        if t["out_device"] == nil { r.warn("[midi] out_device is missing: no MIDI outputs") }
        for device in m.inDevices where m.inputs[device] == nil {
            r.warn("[midi] in_device '\(device)' has no input.\"\(device)\" mapping: its messages are ignored")
        }
        for device in m.outDevices where m.outputs[device] == nil {
            r.warn("[midi] out_device '\(device)' has no output.\"\(device)\" mapping: nothing is played to it")
        }
        for device in m.inputs.keys.sorted() where !m.inDevices.contains(device) {
            r.warn("[midi] input.\"\(device)\" is not in in_device: ignored")
        }
        for device in m.outputs.keys.sorted() where !m.outDevices.contains(device) {
            r.warn("[midi] output.\"\(device)\" is not in out_device: ignored")
        }
        for (input, targets) in m.thru.sorted(by: { $0.key < $1.key }) {
            if !m.inDevices.contains(input) { r.warn("[midi] thru_matrix.\"\(input)\" is not in in_device: ignored") }
            for target in targets where !m.outDevices.contains(target) { r.warn("[midi] thru_matrix.\"\(input)\" sends to '\(target)', not in out_device: ignored") }
        }
        return m
    }

    /// `input."NAME" = [["note_on", ch], ["control_change", ch, cc], ["control_change", ch, cc, min, max]]`.
    static func mappings(_ t: TOMLTable, _ key: String, values: Int, reader r: inout TOMLReader) throws(IMPSYConfigError) -> [String: MIDIMapping] {
        guard let table = try r.table(t, key, in: "[midi]") else { return [:] }
        var out: [String: MIDIMapping] = [:]
        for device in table.keys {
            let label = "[midi] \(key).\"\(device)\""
            guard let list = table[device]?.array else { throw r.error("\(label) must be a list of mapping entries", hint: "e.g. [[\"note_on\", 1], [\"control_change\", 1, 7]]") }
            var entries: [MIDIMapping.Entry] = []
            for (i, item) in list.enumerated() { entries.append(try entry(item, label: "\(label) entry \(i + 1)", reader: r)) }
            guard entries.count == values else {
                throw r.error("\(label) has \(entries.count) entries but dimension \(values + 1) needs \(values)",
                              hint: "one entry per value: dimension − 1 (IMPSY asserts the same)")
            }
            out[device] = MIDIMapping(entries)
        }
        return out
    }

    static func entry(_ item: TOMLValueConvertible, label: String, reader r: TOMLReader) throws(IMPSYConfigError) -> MIDIMapping.Entry {
        guard let parts = item.array, let kind = parts.first?.string else {
            throw r.error("\(label) is \(item), not [\"note_on\", channel] or [\"control_change\", channel, controller]", hint: "see the mapping format in docs/midi.md")
        }
        var numbers: [Int] = []
        for part in parts.dropFirst() {
            guard let n = part.int else { throw r.error("\(label): \(part) is not a whole number", hint: "channels 1–16, controllers and ranges 0–127") }
            numbers.append(n)
        }
        func check(_ v: Int, _ range: ClosedRange<Int>, _ what: String) throws(IMPSYConfigError) {
            guard range.contains(v) else { throw r.error("\(label): \(what) \(v) is outside \(range.lowerBound)–\(range.upperBound)", hint: "IMPSY counts channels 1–16") }
        }
        switch (kind, numbers.count) {
        case ("note_on", 1):
            try check(numbers[0], 1...16, "channel")
            return .note(channel: numbers[0])
        case ("control_change", 2), ("control_change", 4):
            try check(numbers[0], 1...16, "channel")
            try check(numbers[1], 0...127, "controller")
            guard numbers.count == 4 else { return .control(channel: numbers[0], controller: numbers[1]) }
            try check(numbers[2], 0...127, "minimum")
            try check(numbers[3], 0...127, "maximum")
            guard numbers[2] <= numbers[3] else { throw r.error("\(label): minimum \(numbers[2]) is above maximum \(numbers[3])", hint: "write [\"control_change\", channel, controller, min, max]") }
            return .control(channel: numbers[0], controller: numbers[1], range: numbers[2]...numbers[3])
        default:
            throw r.error("\(label) is \(item)", hint: "an entry is [\"note_on\", channel], [\"control_change\", channel, controller] or [\"control_change\", channel, controller, min, max]")
        }
    }

    /// The rig these devices make for an instrument of `values` values.
    public func rig(values: Int, inputThru: Bool) -> MIDIRigConfiguration {
        var rig = MIDIRigConfiguration(
            inputs: inDevices.map { MIDIRigConfiguration.Device(name: $0, mapping: inputs[$0]) },
            outputs: outDevices.map { MIDIRigConfiguration.Device(name: $0, mapping: outputs[$0]) },
            values: values)
        rig.inputThru = inputThru
        rig.thru = thru
        rig.feedbackProtection = feedbackProtection
        rig.feedbackThreshold = feedbackThreshold
        return rig
    }
}

extension IMPSYConfiguration.OSC {
    static func read(_ t: TOMLTable, reader r: inout TOMLReader) throws(IMPSYConfigError) -> Self {
        for key in t.keys where !["server_ip", "server_port", "client_ip", "client_port"].contains(key) {
            r.warn("unknown key [osc] \(key): ignored")
        }
        func port(_ key: String, _ fallback: Int, _ r: inout TOMLReader) throws(IMPSYConfigError) -> Int {
            guard let p = try r.int(t, key, in: "[osc]") else {
                r.warn("[osc] \(key) is missing: using \(fallback)")
                return fallback
            }
            guard (0...65535).contains(p) else { throw r.error("[osc] \(key) = \(p) is not a port", hint: "0–65535") }
            return p
        }
        return Self(serverIP: try r.string(t, "server_ip", in: "[osc]") ?? "127.0.0.1",
                    serverPort: try port("server_port", 5001, &r),
                    clientIP: try r.string(t, "client_ip", in: "[osc]") ?? "127.0.0.1",
                    clientPort: try port("client_port", 5000, &r))
    }
}
