import BatonOSC
import Foundation

/// `baton serve` in a child process on OS-assigned ports.
final class ServerProcess {
    let process = Process()
    private(set) var http = ""
    private(set) var oscPort = 0
    /// Where session logs go; the file appears with the first event.
    private(set) var logFolder: String?

    /// The session log written so far (the newest file in the folder).
    var logPath: String? {
        guard let folder = logFolder, let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return nil }
        return names.filter { $0.hasSuffix(".csv") }.sorted().last.map { (folder as NSString).appendingPathComponent($0) }
    }

    init?(baton: String, arguments: [String]) {
        process.executableURL = URL(fileURLWithPath: baton)
        process.arguments = ["serve"] + arguments + ["--http-port", "0", "--osc-port", "0"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { print("cannot start \(baton): \(error)"); return nil }
        var text = ""
        let handle = pipe.fileHandleForReading
        while !text.contains("Ctrl-C") {
            let data = handle.availableData
            if data.isEmpty { print("baton serve exited early"); return nil }
            text += String(decoding: data, as: UTF8.self)
        }
        for line in text.split(separator: "\n") {
            if line.hasPrefix("studio") { http = String(line.split(separator: "/")[1]) }
            if line.hasPrefix("OSC in") { oscPort = Int(line.split(separator: ":").last?.split(separator: " ").first ?? "") ?? 0 }
            if line.hasPrefix("session logs") { logFolder = line.split(separator: " ").dropFirst(2).first.map(String.init) }
        }
    }

    func stop() {
        guard process.isRunning else { return }
        process.interrupt()
        process.waitUntilExit()
    }
}

/// A loopback UDP socket for sending OSC and timing what comes back.
final class UDPEndpoint {
    let socket: Int32
    let port: Int

    init() {
        let fd = Foundation.socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var size = 4 << 20
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int>.size))
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var bound = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        socket = fd
        port = Int(UInt16(bigEndian: bound.sin_port))
    }

    deinit { close(socket) }

    func send(address: String, floats: [Float], to port: Int) {
        let bytes = OSCPacket.message(OSCMessage(address, floats.map { .float32($0) })).encoded()
        var destination = sockaddr_in()
        destination.sin_family = sa_family_t(AF_INET)
        destination.sin_addr.s_addr = inet_addr("127.0.0.1")
        destination.sin_port = UInt16(port).bigEndian
        _ = bytes.withUnsafeBytes { raw in
            withUnsafePointer(to: &destination) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(socket, raw.baseAddress, raw.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            } }
        }
    }

    /// The arrival time (µs) of the next datagram, or nil after the timeout.
    func receive(timeoutMicroseconds: Int) -> Double? {
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, Int32(max(0, timeoutMicroseconds / 1000))) > 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 2048)
        guard recv(socket, &buffer, buffer.count, 0) > 0 else { return nil }
        return nowMicroseconds()
    }

    func drain() { while receive(timeoutMicroseconds: 0) != nil {} }
}
