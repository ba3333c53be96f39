import Foundation

/// Who may use the HTTP API and the WebSocket (docs/reliability.md). Deny by default:
/// - **Host** must name this server: a loopback name, the `--listen` address, an
///   `--allow-host` name, or (listening on every interface) any IP literal. A page served
///   under another name (DNS rebinding) is refused.
/// - **Origin**, when a browser sends one, must be the server's own (`http://` + Host) or
///   an `--allow-origin` entry: a page on another site cannot open the WebSocket or post.
/// - **Token** (when `--listen` exposes the server): every request needs it except GETs of
///   the Studio's own files. Paths are decoded and normalised first (`//api`, `/./api`,
///   `%61pi`, `/api/status/`), so no spelling of a path gets past the check.
/// - **Content-Type** of a request body must be `application/json`.
public struct AccessPolicy: Sendable {
    /// The token requests must carry, when the server is exposed.
    public var token: String?
    /// Host names and addresses the server answers to (lowercased, without port).
    public var hosts: Set<String>
    /// Listening on every interface: any IP literal is a name of this server.
    public var anyAddress: Bool
    /// Origins besides the server's own (`--allow-origin`), lowercased, no trailing slash.
    public var origins: Set<String>
    /// Whether a normalised path names one of the Studio's files (served without a token).
    public var isStudioFile: @Sendable ([String]) -> Bool

    /// The names of this machine that are always accepted as Host.
    public static let loopbackNames: Set<String> = ["127.0.0.1", "localhost", "::1", "[::1]"]

    /// The policy for a server listening on `listen` with these options.
    public init(token: String?, listen: String, allowHosts: [String] = [], allowOrigins: [String] = [],
                isStudioFile: @escaping @Sendable ([String]) -> Bool) {
        self.token = token
        var hosts = Self.loopbackNames
        hosts.insert(Self.bare(listen.lowercased()))
        if listen.contains(":"), !listen.hasPrefix("[") { hosts.insert("[\(listen.lowercased())]") }
        for host in allowHosts { hosts.insert(Self.bare(host.lowercased())) }
        self.hosts = hosts
        anyAddress = ["0.0.0.0", "::", "[::]"].contains(listen)
        origins = Set(allowOrigins.map(Self.normalisedOrigin))
        self.isStudioFile = isStudioFile
    }

    /// What the policy looks at in a request.
    public struct Request: Sendable {
        /// The HTTP method.
        public var method: String
        /// The raw path, without the query.
        public var path: String
        /// The `token` query parameter, if any.
        public var queryToken: String?
        /// The Authorization header, if any.
        public var authorization: String?
        /// The Host header, if any.
        public var host: String?
        /// The Origin header, if any.
        public var origin: String?
        /// The Content-Type header, if any.
        public var contentType: String?

        /// A request from its method, raw path and headers.
        public init(method: String, path: String, queryToken: String? = nil, authorization: String? = nil, host: String?,
                    origin: String? = nil, contentType: String? = nil) {
            self.method = method
            self.path = path
            self.queryToken = queryToken
            self.authorization = authorization
            self.host = host
            self.origin = origin
            self.contentType = contentType
        }
    }

    /// What the policy says about a request.
    public enum Decision: Equatable, Sendable {
        /// Let it through.
        case allow
        /// Refuse it with this HTTP status and a one-line reason.
        case deny(status: Int, message: String)
    }

    /// Allows or refuses a request: Host, then Origin, then token, then Content-Type.
    public func decide(_ request: Request) -> Decision {
        guard let hostHeader = request.host?.lowercased(), let host = Self.hostName(hostHeader),
              hosts.contains(host) || (anyAddress && Self.isIPLiteral(host)) else {
            return .deny(status: 403, message: "this server answers to \(hosts.sorted().joined(separator: ", ")) only, not Host \(request.host ?? "(none)") (start it with --allow-host NAME to add one)")
        }
        if let origin = request.origin {
            let normalised = Self.normalisedOrigin(origin)
            guard normalised == "http://" + hostHeader || normalised == "https://" + hostHeader || origins.contains(normalised) else {
                return .deny(status: 403, message: "requests from pages on \(origin) are refused (start the server with --allow-origin \(origin) to accept them)")
            }
        }
        let method = request.method.uppercased()
        let readOnly = method == "GET" || method == "HEAD"
        if let token {
            let path = Self.normalisedPath(request.path)
            let free = readOnly && path.map(isStudioFile) == true
            if !free {
                let given = request.queryToken ?? request.authorization.flatMap(Self.bearer)
                guard let given, Self.equal(given, token) else {
                    return .deny(status: 401, message: "this server needs the token printed when it started (?token=… or Authorization: Bearer …)")
                }
            }
        }
        if !readOnly, let type = request.contentType, !Self.isJSON(type) {
            return .deny(status: 415, message: "request bodies are JSON: send Content-Type: application/json, not \(type)")
        }
        return .allow
    }

    // MARK: Parts

    /// The path's segments after percent-decoding, with empty and `.` segments dropped and
    /// `..` applied; nil when it cannot be decoded, climbs above the root or hides a `/`.
    public static func normalisedPath(_ raw: String) -> [String]? {
        var segments: [String] = []
        for part in raw.split(separator: "/", omittingEmptySubsequences: true) {
            guard let decoded = String(part).removingPercentEncoding, !decoded.contains("/"), !decoded.contains("\\"),
                  !decoded.contains("\0") else { return nil }
            switch decoded {
            case "", ".": continue
            case "..":
                guard !segments.isEmpty else { return nil }
                segments.removeLast()
            default: segments.append(decoded)
            }
        }
        return segments
    }

    /// The host part of a Host header: `[::1]:8000` → `[::1]`, `localhost:8000` → `localhost`.
    static func hostName(_ header: String) -> String? {
        let text = header.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        if text.hasPrefix("[") {
            guard let end = text.firstIndex(of: "]") else { return nil }
            return String(text[...end])
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return nil }
        if parts.count == 2, parts[1].isEmpty || !parts[1].allSatisfy(\.isNumber) { return nil }
        return bare(String(parts[0]))
    }

    /// Without a trailing dot (`localhost.` is `localhost`).
    static func bare(_ host: String) -> String { host.hasSuffix(".") ? String(host.dropLast()) : host }

    static func isIPLiteral(_ host: String) -> Bool {
        if host.hasPrefix("[") { return host.hasSuffix("]") }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { p in !p.isEmpty && p.count <= 3 && p.allSatisfy(\.isNumber) && (Int(p) ?? 256) < 256 }
    }

    static func normalisedOrigin(_ origin: String) -> String {
        var text = origin.trimmingCharacters(in: .whitespaces).lowercased()
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }

    static func isJSON(_ contentType: String) -> Bool {
        contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } == "application/json"
    }

    static func bearer(_ header: String) -> String? {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return parts[1].trimmingCharacters(in: .whitespaces)
    }

    /// Compares in time independent of where the strings differ.
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for i in x.indices { difference |= x[i] ^ y[i] }
        return difference == 0
    }
}
