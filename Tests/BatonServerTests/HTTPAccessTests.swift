import BatonCore
@testable import BatonServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// The access checks as the router applies them, through Hummingbird's test client.
@Suite struct HTTPAccessTests {
    static func application(token: String?, listen: String) throws -> some ApplicationProtocol {
        let studio = temporaryFolder("studio")
        try "<html>Baton</html>".write(toFile: studio + "/index.html", atomically: true, encoding: .utf8)
        let session = try testSession()
        let access = AccessPolicy(token: token, listen: listen, isStudioFile: AccessMiddleware.studioFiles(in: studio))
        return Application(router: HTTPInterface.router(session: session, catalog: [], access: access, studio: studio, logger: Logger(label: "test")))
    }

    @Test func pathVariantsDoNotGetPastTheToken() async throws {
        try await Self.application(token: "s3cret", listen: "0.0.0.0").test(.router) { client in
            for path in ["/api/status", "//api/status", "/./api/status", "/%61pi/status", "/api/status/", "/API/status", "/x/../api/status", "/ws"] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .unauthorized, "\(path): \(response.status)")
                    #expect(String(buffer: response.body).contains("\"error\""))
                }
            }
            try await client.execute(uri: "/api/status?token=s3cret", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/status", method: .get, headers: [.authorization: "Bearer s3cret"]) { #expect($0.status == .ok) }
            try await client.execute(uri: "/", method: .get) { #expect($0.status == .ok, "the Studio itself needs no token") }
        }
    }

    @Test func anotherOriginCannotChangeAnything() async throws {
        try await Self.application(token: nil, listen: "127.0.0.1").test(.router) { client in
            let body = ByteBuffer(string: #"{"type":"temperature","value":0.5}"#)
            try await client.execute(uri: "/api/command", method: .post, headers: [.origin: "http://evil.example", .contentType: "application/json"], body: body) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(uri: "/ws", method: .get, headers: [.origin: "http://evil.example"]) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/api/command", method: .post, headers: [.contentType: "text/plain"], body: body) {
                #expect($0.status == .unsupportedMediaType)
            }
            try await client.execute(uri: "/api/command", method: .post, body: body) { #expect($0.status == .unsupportedMediaType, "a body without a type") }
            try await client.execute(uri: "/api/status", method: .get) { response in
                #expect(!String(buffer: response.body).contains("\"temperature\":0.5"), "nothing changed")
            }
            try await client.execute(uri: "/api/command", method: .post, headers: [.origin: "http://localhost", .contentType: "application/json"], body: body) { response in
                #expect(response.status == .ok, "the server's own origin passes")
                #expect(String(buffer: response.body).contains("\"temperature\":0.5"))
            }
        }
    }

    @Test func refusedCommandsAnswer400WithOneLine() async throws {
        try await Self.application(token: nil, listen: "127.0.0.1").test(.router) { client in
            for json in [#"{"type":"rate","value":1e-30}"#, #"{"type":"timescale","value":1e30}"#, #"{"type":"temperature","value":"hot"}"#, "{", #"{"type":"strokes"}"#] {
                try await client.execute(uri: "/api/command", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: json)) { response in
                    #expect(response.status == .badRequest, "\(json)")
                    let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                    #expect((object?["error"] as? String)?.contains("\n") == false)
                }
            }
            try await client.execute(uri: "/api/strokes", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: #"{"steps":1e30}"#)) {
                #expect($0.status == .badRequest)
            }
        }
    }

    @Test func answersHoldNoAbsolutePaths() async throws {
        try await Self.application(token: nil, listen: "127.0.0.1").test(.router) { client in
            for path in ["/api/status", "/api/models", "/api/logs", "/api/datasets", "/api/trained"] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(!String(buffer: response.body).contains(NSTemporaryDirectory()), "\(path)")
                }
            }
            let body = ByteBuffer(string: #"{"dataset":"missing.npz"}"#)
            try await client.execute(uri: "/api/train", method: .post, headers: [.contentType: "application/json"], body: body) { response in
                #expect(response.status == .badRequest)
                #expect(!String(buffer: response.body).contains(NSTemporaryDirectory()), "\(String(buffer: response.body))")
            }
        }
    }
}
