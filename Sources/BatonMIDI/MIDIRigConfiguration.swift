/// What a MIDI rig connects: devices by the names people write, each with an IMPSY mapping,
/// and IMPSY's routing options.
public struct MIDIRigConfiguration: Sendable, Equatable {
    public struct Device: Sendable, Equatable {
        /// The name as written (matched against the system's ports), or a virtual port's name.
        public var name: String
        /// Open a virtual port of this name instead of connecting to a device.
        public var virtual: Bool
        /// How this device's messages map onto the instrument's values (nil: the device is
        /// opened for other uses, such as the ensemble's `--midi-map`, but plays nothing).
        public var mapping: MIDIMapping?

        public init(name: String, virtual: Bool = false, mapping: MIDIMapping?) {
            self.name = name
            self.virtual = virtual
            self.mapping = mapping
        }
    }

    public var inputs: [Device]
    public var outputs: [Device]
    /// How many values one instrument event has (the model's dimension − 1).
    public var values: Int
    /// IMPSY's `input_thru`: every performer event is also sent to every output.
    public var inputThru = false
    /// IMPSY's `thru_matrix`: an input's events also go straight to these outputs (by name;
    /// names that are not outputs are ignored, as IMPSY ignores them).
    public var thru: [String: [String]] = [:]
    /// IMPSY's `feedback_protection` and `feedback_threshold`.
    public var feedbackProtection = false
    public var feedbackThreshold = 0.02
    /// Seconds between checks for devices that disappeared or came back.
    public var rescanInterval = 1.0
    /// Incoming messages waiting for the MIDI thread beyond this are dropped (oldest first).
    public var queueLimit = 4096

    public init(inputs: [Device], outputs: [Device], values: Int) {
        self.inputs = inputs
        self.outputs = outputs
        self.values = values
    }

    /// Checks that every mapping has one entry per value.
    public func validate() throws(MIDIError) {
        for (kind, devices) in [("input", inputs), ("output", outputs)] {
            for device in devices {
                guard let mapping = device.mapping else { continue }
                guard mapping.entries.count == values else {
                    throw MIDIError("the MIDI \(kind) mapping for '\(device.name)' has \(mapping.entries.count) entries but the instrument has \(values) values",
                                    hint: "give one entry per value: the model's dimension − 1")
                }
            }
        }
    }
}
