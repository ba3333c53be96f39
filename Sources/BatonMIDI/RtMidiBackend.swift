import _CRtMidi
import Dispatch
import Foundation
import Synchronization

/// Real MIDI through RtMidi's C API. Each open port is its own RtMidi object (RtMidi objects
/// are not thread-safe and hold one port each); listing uses one input and one output
/// object kept for the purpose, behind a lock.
public final class RtMidiBackend: MIDIBackend, @unchecked Sendable {
    public let api: MIDIAPI
    public let clientName: String
    public var apiName: String { api.description }
    public var supportsVirtualPorts: Bool { true }
    private let lister: Mutex<(input: RtMidiInPtr, output: RtMidiOutPtr)>

    /// Connects to `api` (nil: `MIDIAPI.automatic()`). Throws when the API is not compiled
    /// into this RtMidi, or its system is not there (no ALSA sequencer, no JACK server).
    public init(api: MIDIAPI? = nil, clientName: String = "Baton") throws(MIDIError) {
        let api = api ?? .automatic()
        self.api = api
        self.clientName = clientName
        guard Self.compiledAPIs.contains(api) else {
            throw MIDIError("this RtMidi was built without \(api)", hint: "available: \(Self.compiledAPIs.map(\.rawValue).joined(separator: ", ")); choose one with --midi-api")
        }
        if api == .alsa, !FileManager.default.fileExists(atPath: "/dev/snd/seq") {
            throw MIDIError("ALSA MIDI: there is no sequencer device /dev/snd/seq on this machine",
                            hint: "load the snd-seq kernel module (`sudo modprobe snd-seq`), or use --midi-api jack")
        }
        if api == .jack, let problem = JACKProbe.problem() {
            throw MIDIError("JACK MIDI: \(problem)",
                            hint: "start one (`jackd -d dummy` needs no sound card; PipeWire provides one through pipewire-jack), or use --midi-api alsa")
        }
        let input = rtmidi_in_create(Self.rtmidiAPI(api), clientName, 1024)
        let output = rtmidi_out_create(Self.rtmidiAPI(api), clientName)
        guard let input, let output, input.pointee.ok, output.pointee.ok else {
            // RtMidi 5's C API leaves `msg` pointing into a destroyed exception: never read it.
            let reason = "RtMidi could not start a client"
            if let input { rtmidi_in_free(input) }
            if let output { rtmidi_out_free(output) }
            let hint = api == .alsa ? "the ALSA sequencer (/dev/snd/seq) is missing: load snd-seq, or use --midi-api jack" : "check that the MIDI system is running"
            throw MIDIError("cannot open \(api) MIDI: \(reason)", hint: hint)
        }
        lister = Mutex((input, output))
    }

    deinit {
        lister.withLock { l in
            rtmidi_in_free(l.input)
            rtmidi_out_free(l.output)
        }
    }

    /// The APIs this RtMidi was built with.
    public static var compiledAPIs: [MIDIAPI] {
        var apis = [RtMidiApi](repeating: RTMIDI_API_UNSPECIFIED, count: Int(RTMIDI_API_NUM.rawValue))
        let count = Int(rtmidi_get_compiled_api(&apis, UInt32(apis.count)))
        return apis.prefix(max(0, min(count, apis.count))).compactMap { api in
            switch api {
            case RTMIDI_API_LINUX_ALSA: return .alsa
            case RTMIDI_API_UNIX_JACK: return .jack
            case RTMIDI_API_MACOSX_CORE: return .coremidi
            default: return nil
            }
        }
    }

    static func rtmidiAPI(_ api: MIDIAPI) -> RtMidiApi {
        switch api {
        case .alsa: return RTMIDI_API_LINUX_ALSA
        case .jack: return RTMIDI_API_UNIX_JACK
        case .coremidi: return RTMIDI_API_MACOSX_CORE
        }
    }

    public func inputNames() throws(MIDIError) -> [String] {
        try lister.withLock { l throws(MIDIError) in try Self.portNames(l.input) }
    }

    public func outputNames() throws(MIDIError) -> [String] {
        try lister.withLock { l throws(MIDIError) in try Self.portNames(l.output) }
    }

    static func portNames(_ device: RtMidiPtr) throws(MIDIError) -> [String] {
        let count = rtmidi_get_port_count(device)
        try check(device, "listing MIDI ports")
        var names: [String] = []
        for i in 0..<count {
            var length: Int32 = 0
            guard rtmidi_get_port_name(device, i, nil, &length) >= 0, length > 0, length < 4096 else { continue }
            var buffer = [CChar](repeating: 0, count: Int(length))
            guard rtmidi_get_port_name(device, i, &buffer, &length) >= 0 else { continue }
            names.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return names
    }

    static func check(_ device: RtMidiPtr, _ what: String) throws(MIDIError) {
        guard !device.pointee.ok else { return }
        // RtMidi prints the details on stderr; its `msg` points into a destroyed exception
        // (RtMidi 5's C API), so it is not read here.
        device.pointee.ok = true
        throw MIDIError("\(what) failed", hint: "RtMidi printed the reason above")
    }

    /// The index of `name` among `device`'s ports now (ports move as devices come and go).
    static func index(of name: String, on device: RtMidiPtr) throws(MIDIError) -> UInt32 {
        guard let i = try portNames(device).firstIndex(of: name) else { throw MIDIError("no MIDI port named '\(name)' any more") }
        return UInt32(i)
    }

    public func openInput(_ port: MIDIPortChoice, receive: @escaping @Sendable ([UInt8], UInt64) -> Void) throws(MIDIError) -> any MIDIInputConnection {
        guard let device = rtmidi_in_create(Self.rtmidiAPI(api), clientName, 1024) else { throw MIDIError("cannot create a MIDI input") }
        do throws(MIDIError) {
            try Self.check(device, "creating a MIDI input")
            let box = Unmanaged.passRetained(RtMidiInputConnection.Receiver(receive))
            rtmidi_in_set_callback(device, rtMidiReceive, box.toOpaque())
            rtmidi_in_ignore_types(device, true, true, true)  // sysex, clock, active sensing: IMPSY ignores them too
            switch port {
            case .system(let name): rtmidi_open_port(device, try Self.index(of: name, on: device), "in")
            case .virtual(let name): rtmidi_open_virtual_port(device, name)
            }
            do throws(MIDIError) { try Self.check(device, "opening MIDI input \(port)") } catch {
                rtmidi_in_cancel_callback(device)
                box.release()
                throw error
            }
            return RtMidiInputConnection(device: device, port: port, receiver: box)
        } catch {
            rtmidi_in_free(device)
            throw error
        }
    }

    public func openOutput(_ port: MIDIPortChoice) throws(MIDIError) -> any MIDIOutputConnection {
        guard let device = rtmidi_out_create(Self.rtmidiAPI(api), clientName) else { throw MIDIError("cannot create a MIDI output") }
        do throws(MIDIError) {
            try Self.check(device, "creating a MIDI output")
            switch port {
            case .system(let name): rtmidi_open_port(device, try Self.index(of: name, on: device), "out")
            case .virtual(let name): rtmidi_open_virtual_port(device, name)
            }
            try Self.check(device, "opening MIDI output \(port)")
            return RtMidiOutputConnection(device: device, port: port)
        } catch {
            rtmidi_out_free(device)
            throw error
        }
    }
}

/// RtMidi's callback (C convention): hands each message to the connection's receiver.
private func rtMidiReceive(_ timeStamp: Double, _ message: UnsafePointer<UInt8>?, _ size: Int, _ context: UnsafeMutableRawPointer?) {
    guard let message, let context, size > 0, size <= 65536 else { return }
    let receiver = Unmanaged<RtMidiInputConnection.Receiver>.fromOpaque(context).takeUnretainedValue()
    receiver.receive(Array(UnsafeBufferPointer(start: message, count: size)), DispatchTime.now().uptimeNanoseconds)
}

final class RtMidiInputConnection: MIDIInputConnection, @unchecked Sendable {
    final class Receiver {
        let receive: @Sendable ([UInt8], UInt64) -> Void
        init(_ receive: @escaping @Sendable ([UInt8], UInt64) -> Void) { self.receive = receive }
    }
    let port: MIDIPortChoice
    private let lock = NSLock()
    private var device: RtMidiInPtr?
    private let receiver: Unmanaged<Receiver>

    init(device: RtMidiInPtr, port: MIDIPortChoice, receiver: Unmanaged<Receiver>) {
        self.port = port
        self.device = device
        self.receiver = receiver
    }

    deinit { close() }

    func close() {
        lock.lock()
        defer { lock.unlock() }
        guard let d = device else { return }
        device = nil
        rtmidi_in_cancel_callback(d)
        rtmidi_close_port(d)
        rtmidi_in_free(d)
        receiver.release()
    }
}

final class RtMidiOutputConnection: MIDIOutputConnection, @unchecked Sendable {
    let port: MIDIPortChoice
    private let lock = NSLock()
    private var device: RtMidiOutPtr?

    init(device: RtMidiOutPtr, port: MIDIPortChoice) {
        self.port = port
        self.device = device
    }

    deinit { close() }

    func send(_ bytes: [UInt8]) throws(MIDIError) {
        lock.lock()
        defer { lock.unlock() }
        guard let d = device else { throw MIDIError("MIDI output \(port) is closed") }
        let result = bytes.withUnsafeBufferPointer { rtmidi_out_send_message(d, $0.baseAddress, Int32($0.count)) }
        if result != 0 || !d.pointee.ok {
            try RtMidiBackend.check(d, "sending to \(port)")
            throw MIDIError("sending to \(port) failed")
        }
    }

    func close() {
        lock.lock()
        defer { lock.unlock() }
        guard let d = device else { return }
        device = nil
        rtmidi_close_port(d)
        rtmidi_out_free(d)
    }
}
