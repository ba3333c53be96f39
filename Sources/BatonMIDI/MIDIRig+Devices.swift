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
        let own = backend.clientName
        if configuration.inputs.contains(where: { !$0.virtual }) {
            do {
                let names = try backend.inputNames()
                for i in configuration.inputs.indices where !configuration.inputs[i].virtual {
                    rescanInput(i, available: names, own: own)
                }
            } catch {
                report("MIDI: cannot list inputs: \(error)")
            }
        }
        if configuration.outputs.contains(where: { !$0.virtual }) {
            do {
                let names = try backend.outputNames()
                for i in configuration.outputs.indices where !configuration.outputs[i].virtual {
                    rescanOutput(i, available: names, own: own)
                }
            } catch {
                report("MIDI: cannot list outputs: \(error)")
            }
        }
    }

    private func rescanInput(_ i: Int, available: [String], own: String) {
        let (wanted, connected, system, reported) = inputs.withLock { ($0[i].device.name, $0[i].connection, $0[i].systemName, $0[i].reportedMissing) }
        if let connected {
            guard let system, !available.contains(system) else { return }
            connected.close()
            inputs.withLock { $0[i].connection = nil; $0[i].reportedMissing = true }
            report("MIDI in  '\(wanted)' (\(system)) disappeared; Baton reopens it when it comes back")
            return
        }
        guard let match = MIDIPortMatch.find(wanted, in: available, ownClient: own) else {
            if !reported {
                inputs.withLock { $0[i].reportedMissing = true }
                report("MIDI in  '\(wanted)' not found among \(Self.list(available)); Baton opens it when it appears (see `baton midi list`)")
            }
            return
        }
        do {
            let connection = try backend.openInput(.system(match)) { [weak self] bytes, time in self?.enqueue(input: i, bytes: bytes, time: time) }
            inputs.withLock { $0[i].connection = connection; $0[i].systemName = match; $0[i].reportedMissing = false }
            report("MIDI in  '\(wanted)' → \(match)\(system == nil ? "" : " (reopened)")")
        } catch {
            report("MIDI in  '\(wanted)': cannot open \(match): \(error)")
        }
    }

    private func rescanOutput(_ i: Int, available: [String], own: String) {
        let (wanted, connected, system, reported) = outputs.withLock { ($0.all[i].endpoint.device.name, $0.all[i].endpoint.connection, $0.all[i].endpoint.systemName, $0.all[i].endpoint.reportedMissing) }
        if let connected {
            guard let system, !available.contains(system) else { return }
            connected.close()
            outputs.withLock { $0.all[i].endpoint.connection = nil; $0.all[i].endpoint.reportedMissing = true }
            report("MIDI out '\(wanted)' (\(system)) disappeared; Baton reopens it when it comes back")
            return
        }
        guard let match = MIDIPortMatch.find(wanted, in: available, ownClient: own) else {
            if !reported {
                outputs.withLock { $0.all[i].endpoint.reportedMissing = true }
                report("MIDI out '\(wanted)' not found among \(Self.list(available)); Baton opens it when it appears (see `baton midi list`)")
            }
            return
        }
        do {
            let connection = try backend.openOutput(.system(match))
            outputs.withLock { $0.all[i].endpoint.connection = connection; $0.all[i].endpoint.systemName = match; $0.all[i].endpoint.reportedMissing = false }
            report("MIDI out '\(wanted)' → \(match)\(system == nil ? "" : " (reopened)")")
        } catch {
            report("MIDI out '\(wanted)': cannot open \(match): \(error)")
        }
    }

    static func list(_ names: [String]) -> String {
        names.isEmpty ? "no ports" : names.map { "'\($0)'" }.joined(separator: ", ")
    }
}
