@testable import BatonServer
import Testing

@Suite struct AccessPolicyTests {
    static let exposed = AccessPolicy(token: "s3cret", listen: "0.0.0.0", allowOrigins: ["http://localhost:3000/"]) { $0 == [] || $0 == ["index.html"] }
    static let loopback = AccessPolicy(token: nil, listen: "127.0.0.1") { _ in true }

    static func request(_ method: String = "GET", path: String, token: String? = nil, host: String? = "127.0.0.1:8000",
                        origin: String? = nil, type: String? = nil) -> AccessPolicy.Request {
        AccessPolicy.Request(method: method, path: path, queryToken: token, host: host, origin: origin, contentType: type)
    }

    @Test(arguments: ["/api/status", "//api/status", "/./api/status", "/%61pi/status", "/api/status/", "/API/status", "/api//status",
                      "/x/../api/status", "/ws", "//ws", "/%2e/api/status", "/%77s", "/api/%2e%2e/api/status", "/nothing-here", "/index.html/..",
                      "/..", "/%2F/api/status", "/api%00/status"])
    func noSpellingOfAPathGetsPastTheToken(path: String) {
        if case .deny(let status, _) = Self.exposed.decide(Self.request(path: path)) {
            #expect(status == 401 || status == 403)
        } else if AccessPolicy.normalisedPath(path) != [] {
            Issue.record("\(path) was let through without the token")
        }
        #expect(Self.exposed.decide(Self.request("POST", path: path, type: "application/json")) != .allow, "\(path) POST")
    }

    @Test func theStudioFilesAndTheTokenOpenTheDoor() {
        #expect(Self.exposed.decide(Self.request(path: "/")) == .allow)
        #expect(Self.exposed.decide(Self.request(path: "/index.html")) == .allow)
        #expect(Self.exposed.decide(Self.request(path: "/api/status", token: "s3cret")) == .allow)
        #expect(Self.exposed.decide(AccessPolicy.Request(method: "GET", path: "/ws", authorization: "Bearer s3cret", host: "10.0.0.5:8000")) == .allow)
        #expect(Self.exposed.decide(Self.request(path: "/api/status", token: "s3cre")) != .allow)
        #expect(Self.exposed.decide(Self.request("POST", path: "/index.html")) != .allow, "only reading the Studio is free")
    }

    @Test func hostMustNameThisServer() {
        #expect(Self.loopback.decide(Self.request(path: "/api/status", host: "localhost:8000")) == .allow)
        #expect(Self.loopback.decide(Self.request(path: "/api/status", host: "[::1]:8000")) == .allow)
        #expect(Self.loopback.decide(Self.request(path: "/api/status", host: "LOCALHOST.")) == .allow)
        for host in ["evil.example", "evil.example:8000", "127.0.0.1.evil.example", "localhost:80:80", "", "10.0.0.5:8000"] {
            #expect(Self.loopback.decide(Self.request(path: "/api/status", host: host)) != .allow, "Host \(host)")
        }
        #expect(Self.loopback.decide(Self.request(path: "/api/status", host: nil)) != .allow)
        // Listening on every interface, any address of the machine is a name of it; names are not.
        #expect(Self.exposed.decide(Self.request(path: "/", host: "192.168.1.20:8000")) == .allow)
        #expect(Self.exposed.decide(Self.request(path: "/", host: "rebound.example:8000")) != .allow)
        let proxied = AccessPolicy(token: nil, listen: "127.0.0.1", allowHosts: ["studio.local"]) { _ in true }
        #expect(proxied.decide(Self.request(path: "/api/status", host: "studio.local")) == .allow)
    }

    @Test func originMustBeTheServersOwnOrAllowed() {
        #expect(Self.loopback.decide(Self.request("POST", path: "/api/command", origin: "http://127.0.0.1:8000", type: "application/json")) == .allow)
        #expect(Self.loopback.decide(Self.request(path: "/ws", origin: "http://127.0.0.1:8000")) == .allow)
        for origin in ["http://evil.example", "null", "http://127.0.0.1:9999", "http://localhost:8000", "file://"] {
            #expect(Self.loopback.decide(Self.request(path: "/ws", origin: origin)) != .allow, "Origin \(origin)")
            #expect(Self.loopback.decide(Self.request("POST", path: "/api/command", origin: origin, type: "application/json")) != .allow)
        }
        #expect(Self.exposed.decide(Self.request(path: "/api/status", token: "s3cret", origin: "http://localhost:3000")) == .allow)
    }

    @Test func bodiesAreJSON() {
        #expect(Self.loopback.decide(Self.request("POST", path: "/api/command", type: "application/json; charset=utf-8")) == .allow)
        for type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonp"] {
            #expect(Self.loopback.decide(Self.request("POST", path: "/api/command", type: type)) == .deny(status: 415, message: "request bodies are JSON: send Content-Type: application/json, not \(type)"))
        }
    }

    @Test func pathsNormalise() {
        #expect(AccessPolicy.normalisedPath("//api/./status/") == ["api", "status"])
        #expect(AccessPolicy.normalisedPath("/%61pi/x/../status") == ["api", "status"])
        #expect(AccessPolicy.normalisedPath("/../etc/passwd") == nil)
        #expect(AccessPolicy.normalisedPath("/a%2Fb") == nil)
        #expect(AccessPolicy.normalisedPath("/%zz") == nil)
    }
}
