extension MIDIRig {
    /// Opens the virtual ports ("Baton in", "Baton out") once; they never go away.
    func openVirtualPorts() throws(MIDIError) {
        let wantsVirtual = configuration.inputs.contains(where: \.virtual) || configuration.outputs.contains(where: \.virtual)
        guard wantsVirtual else { return }
        guard backend.supportsVirtualPorts else {
            throw MIDIError("\(backend.apiName) cannot open virtual MIDI ports", hint: "name the devices with --midi-in/--midi-out (see `baton midi list`)")
        }
        for i in configuration.inputs.indices where configuration.inputs[i].virtual {
            let name = configuration.inputs[i].name
            let connection = try backend.openInput(.virtual(name)) { [weak self] bytes, time in self?.enqueue(input: i, bytes: bytes, time: time) }
            inputs.withLock { $0[i].connection = connection; $0[i].systemName = name }
            report("MIDI in  '\(name)' (virtual port on \(backend.apiName): connect a controller to it)")
        }
        for i in configuration.outputs.indices where configuration.outputs[i].virtual {
            let name = configuration.outputs[i].name
            let connection = try backend.openOutput(.virtual(name))
            outputs.withLock { $0.all[i].endpoint.connection = connection; $0.all[i].endpoint.systemName = name }
            report("MIDI out '\(name)' (virtual port on \(backend.apiName): connect a synth to it)")
        }
    }

    /// Closes connections whose device left the system and opens devices that are present
    /// but not connected. Listing errors are reported and the scan retried next time.
    func scan() {
        rescan("in ", devices: configuration.inputs, list: backend.inputNames,
               endpoint: { i in self.inputs.withLock { $0[i] } },
               update: { i, change in self.inputs.withLock { change(&$0[i]) } },
               open: { i, name throws(MIDIError) in
                   try self.backend.openInput(.system(name)) { [weak self] bytes, time in self?.enqueue(input: i, bytes: bytes, time: time) }
               },
               close: { $0.close() })
        rescan("out", devices: configuration.outputs, list: backend.outputNames,
               endpoint: { i in self.outputs.withLock { $0.all[i].endpoint } },
               update: { i, change in self.outputs.withLock { change(&$0.all[i].endpoint) } },
               open: { _, name throws(MIDIError) in try self.backend.openOutput(.system(name)) },
               close: { $0.close() })
    }

    /// One direction of `scan`, written once for inputs and outputs: `endpoint` reads a
    /// device's state, `update` changes it, `open` connects it to a system port.
    private func rescan<Connection>(_ label: String, devices: [MIDIRigConfiguration.Device], list: () throws(MIDIError) -> [String],
                                    endpoint: (Int) -> Endpoint<Connection>, update: (Int, (inout Endpoint<Connection>) -> Void) -> Void,
                                    open: (Int, String) throws(MIDIError) -> Connection, close: (Connection) -> Void) {
        guard devices.contains(where: { !$0.virtual }) else { return }
        let available: [String]
        do { available = try list() } catch {
            report("MIDI: cannot list \(label == "in " ? "inputs" : "outputs"): \(error)")
            return
        }
        for i in devices.indices where !devices[i].virtual {
            let wanted = devices[i].name
            let current = endpoint(i)
            if let connected = current.connection {
                guard let system = current.systemName, !available.contains(system) else { continue }
                close(connected)
                update(i) { $0.connection = nil; $0.reportedMissing = true }
                report("MIDI \(label) '\(wanted)' (\(system)) disappeared; Baton reopens it when it comes back")
                continue
            }
            guard let match = MIDIPortMatch.find(wanted, in: available, ownClient: backend.clientName) else {
                if !current.reportedMissing {
                    update(i) { $0.reportedMissing = true }
                    report("MIDI \(label) '\(wanted)' not found among \(Self.list(available)); Baton opens it when it appears (see `baton midi list`)")
                }
                continue
            }
            do {
                let connection = try open(i, match)
                update(i) { $0.connection = connection; $0.systemName = match; $0.reportedMissing = false }
                report("MIDI \(label) '\(wanted)' → \(match)\(current.systemName == nil ? "" : " (reopened)")")
            } catch {
                report("MIDI \(label) '\(wanted)': cannot open \(match): \(error)")
            }
        }
    }

    static func list(_ names: [String]) -> String {
        names.isEmpty ? "no ports" : names.map { "'\($0)'" }.joined(separator: ", ")
    }
}
