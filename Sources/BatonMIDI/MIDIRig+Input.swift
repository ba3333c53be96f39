import Dispatch

extension MIDIRig {
    /// The backend's callback: queue and wake the MIDI thread, nothing more.
    func enqueue(input: Int, bytes: [UInt8], time: UInt64) {
        let overflow = inbox.withLock { box -> Bool in
            box.messages.append((input, bytes, time))
            guard box.messages.count > configuration.queueLimit else { return false }
            box.messages.removeFirst(box.messages.count - configuration.queueLimit)
            return true
        }
        if overflow { counters.withLock { $0.overflowed += 1 } }
        wake.signal()
    }

    /// The MIDI thread: handles queued messages as they come, rescans devices on a timer.
    func run() {
        var nextScan = DispatchTime.now().uptimeNanoseconds + UInt64(configuration.rescanInterval * 1e9)
        while true {
            let (batch, running) = inbox.withLock { box -> ([(input: Int, bytes: [UInt8], time: UInt64)], Bool) in
                defer { box.messages.removeAll(keepingCapacity: true) }
                return (box.messages, box.running)
            }
            for item in batch { handle(input: item.input, bytes: item.bytes, time: item.time) }
            guard running else { break }
            let now = DispatchTime.now().uptimeNanoseconds
            if now >= nextScan {
                scan()
                nextScan = DispatchTime.now().uptimeNanoseconds + UInt64(configuration.rescanInterval * 1e9)
            }
            _ = wake.wait(timeout: DispatchTime(uptimeNanoseconds: nextScan))
        }
        finished.signal()
    }

    /// One incoming message, IMPSY's way: echoes of our own notes are dropped, the mapping
    /// turns it into (index, value), the dense vector takes the value and goes to `perform`,
    /// then to the outputs when `input_thru` or the thru matrix asks.
    func handle(input: Int, bytes: [UInt8], time: UInt64) {
        guard let message = MIDIMessage(bytes: bytes) else { return }
        let device = inputs.withLock { $0.indices.contains(input) ? $0[input].device : nil }
        guard let device else { return }
        if case .other = message {
            counters.withLock { $0.unmapped += 1 }  // clock, sysex, bend: IMPSY ignores them too
            return
        }
        counters.withLock { $0.received += 1 }
        observe?(device.name, message)
        let echo = outputs.withLock { o in
            o.feedback.isEcho(message, at: time, held: o.all.first { $0.endpoint.device.name == device.name }?.held)
        }
        if echo {
            counters.withLock { $0.echoes += 1 }
            return
        }
        guard let (index, value) = device.mapping?.decode(message) else {
            counters.withLock { $0.unmapped += 1 }
            return
        }
        let values = current.withLock { v -> [Float] in
            v[index] = value
            return v
        }
        counters.withLock { $0.performed += 1 }
        perform(values)
        if configuration.inputThru { send(values, to: nil) }
        if let targets = configuration.thru[device.name] { send(values, to: targets) }
    }
}
