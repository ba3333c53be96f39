import Foundation

/// Whether a JACK server (jackd, or PipeWire's JACK) answers, asked through libjack itself
/// without starting one. RtMidi only prints a warning when there is none and then crashes
/// opening a virtual port, so Baton asks first. libjack is loaded at run time: it is there
/// wherever RtMidi was built with JACK.
enum JACKProbe {
    typealias ClientOpen = @convention(c) (UnsafePointer<CChar>, Int32, UnsafeMutablePointer<Int32>?) -> OpaquePointer?
    typealias ClientClose = @convention(c) (OpaquePointer) -> Int32
    typealias MessageFunction = @convention(c) (UnsafePointer<CChar>?) -> Void
    typealias SetMessageFunction = @convention(c) (MessageFunction?) -> Void

    /// nil when a server answers; otherwise why not, as one line.
    static func problem() -> String? {
        #if os(Linux) || os(macOS)
        #if os(macOS)
        let names = ["libjack.dylib", "libjack.0.dylib", "/usr/local/lib/libjack.dylib", "/opt/homebrew/lib/libjack.dylib"]
        #else
        let names = ["libjack.so.0", "libjack.so"]
        #endif
        guard let library = names.lazy.compactMap({ dlopen($0, RTLD_NOW | RTLD_LOCAL) }).first else {
            return "libjack is not installed"
        }
        defer { dlclose(library) }
        guard let open = dlsym(library, "jack_client_open"), let close = dlsym(library, "jack_client_close") else {
            return "libjack has no jack_client_open"
        }
        let clientOpen = unsafeBitCast(open, to: ClientOpen.self)
        let clientClose = unsafeBitCast(close, to: ClientClose.self)
        // libjack prints several lines when no server answers; Baton says it in one.
        var restore: (() -> Void)?
        if let set = dlsym(library, "jack_set_error_function"), let current = dlsym(library, "jack_error_callback") {
            let setError = unsafeBitCast(set, to: SetMessageFunction.self)
            let saved = current.assumingMemoryBound(to: MessageFunction?.self).pointee
            setError { _ in }
            restore = { setError(saved) }
        }
        if let set = dlsym(library, "jack_set_info_function") { unsafeBitCast(set, to: SetMessageFunction.self)({ _ in }) }
        defer { restore?() }
        var status: Int32 = 0
        let noStartServer: Int32 = 0x01
        guard let client = clientOpen("baton-probe", noStartServer, &status) else {
            let server = ProcessInfo.processInfo.environment["JACK_DEFAULT_SERVER"] ?? "default"
            return "no JACK server '\(server)' is running"
        }
        _ = clientClose(client)
        return nil
        #else
        return "JACK is not supported on this platform"
        #endif
    }
}
