@testable import BatonServer
import Foundation
import Hummingbird
import Logging

/// The server's router on a real loopback socket (OS-assigned port), and a client that
/// sends requests byte for byte as written — no URL library normalises `//api` or `/./`
/// on the way.
struct LoopbackHTTP {
    let port: Int

    /// Runs `body` against a server with this router, then shuts it down.
    static func with(_ router: Router<BatonRequestContext>, _ body: (LoopbackHTTP) async throws -> Void) async throws {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "baton-test"),
                              onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
                              logger: Logger(label: "test"))
        let server = Task { try await app.runService(gracefulShutdownSignals: []) }
        defer { server.cancel() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else { throw CommandError("the test server did not start") }
        try await body(LoopbackHTTP(port: port))
    }

    struct Answer {
        var status: Int
        var body: String
    }

    func get(_ path: String, host: String? = "127.0.0.1", headers: [String: String] = [:]) async throws -> Answer {
        try await exchange("GET", path, host: host, headers: headers, body: "")
    }

    func post(_ path: String, host: String? = "127.0.0.1", headers: [String: String] = [:], body: String) async throws -> Answer {
        try await exchange("POST", path, host: host, headers: headers, body: body)
    }

    /// One request; `host` is the Host header (nil: none at all).
    private func exchange(_ method: String, _ path: String, host: String?, headers: [String: String], body: String) async throws -> Answer {
        var head = "\(method) \(path) HTTP/1.1\r\n"
        if let host { head += "Host: \(host)\r\n" }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        let bytes = Array((head + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)").utf8)
        let port = self.port
        return try await Blocking.run { try Self.roundTrip(bytes, port: port) }
    }

    private static func roundTrip(_ bytes: [UInt8], port: Int) throws -> Answer {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw CommandError("no socket") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard connected == 0 else { throw CommandError("cannot connect to 127.0.0.1:\(port)") }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            guard n > 0 else { break }
            response += buffer[0..<n]
        }
        let text = String(decoding: response, as: UTF8.self)
        let parts = text.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, let status = Int(parts[1]) else { throw CommandError("no HTTP answer: \(text.prefix(80))") }
        let body = text.range(of: "\r\n\r\n").map { String(text[$0.upperBound...]) } ?? ""
        return Answer(status: status, body: body)
    }
}
