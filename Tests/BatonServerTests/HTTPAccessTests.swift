import BatonCore
@testable import BatonServer
import Foundation
import Hummingbird
import Logging
import Testing

/// The access checks as the running router applies them, over a real loopback socket.
@Suite struct HTTPAccessTests {
    static func router(token: String?, listen: String) throws -> Router<BatonRequestContext> {
        let studio = temporaryFolder("studio")
        try FileManager.default.createDirectory(atPath: studio + "/partials", withIntermediateDirectories: true)
        try "<title>Baton</title>".write(toFile: studio + "/" + StudioPages.fragmentPath, atomically: true, encoding: .utf8)
        try "<html>\(StudioPages.marker)</html>".write(toFile: studio + "/index.html", atomically: true, encoding: .utf8)
        let access = AccessPolicy(token: token, listen: listen, isStudioFile: AccessMiddleware.studioFiles(in: studio))
        return HTTPInterface.router(session: try testSession(), catalog: [], access: access, studio: try StudioPages(folder: studio), logger: Logger(label: "test"))
    }

    static let json = ["Content-Type": "application/json"]

    @Test func pathVariantsDoNotGetPastTheToken() async throws {
        try await LoopbackHTTP.with(try Self.router(token: "s3cret", listen: "0.0.0.0")) { http in
            for path in ["/api/status", "//api/status", "/./api/status", "/%61pi/status", "/api/status/", "/API/status", "/x/../api/status",
                         "/api//status", "/%2e/api/status", "/ws", "//ws", "/nothing"] {
                let answer = try await http.get(path)
                #expect(answer.status == 401, "\(path): \(answer.status)")
                #expect(answer.body.contains("\"error\""))
            }
            #expect(try await http.get("/api/status?token=s3cret").status == 200)
            #expect(try await http.get("/api/status", headers: ["Authorization": "Bearer s3cret"]).status == 200)
            #expect(try await http.get("/").status == 200, "the Studio itself needs no token")
        }
    }

    @Test func anotherOriginOrHostCannotChangeAnything() async throws {
        try await LoopbackHTTP.with(try Self.router(token: nil, listen: "127.0.0.1")) { http in
            let body = #"{"type":"temperature","value":0.5}"#
            #expect(try await http.post("/api/command", headers: Self.json.merging(["Origin": "http://evil.example"]) { $1 }, body: body).status == 403)
            #expect(try await http.post("/api/command", host: "rebound.example:8000", headers: Self.json, body: body).status == 403)
            #expect(try await http.post("/api/command", host: nil, headers: Self.json, body: body).status != 200)
            #expect(try await http.get("/ws", headers: ["Origin": "http://evil.example"]).status == 403)
            #expect(try await http.post("/api/command", headers: ["Content-Type": "text/plain"], body: body).status == 415)
            #expect(try await http.post("/api/command", body: body).status == 415, "a body without a type")
            #expect(!(try await http.get("/api/status").body.contains("\"temperature\":0.5")), "nothing changed")
            let own = try await http.post("/api/command", headers: Self.json.merging(["Origin": "http://127.0.0.1"]) { $1 }, body: body)
            #expect(own.status == 200 && own.body.contains("\"temperature\":0.5"), "the server's own origin passes")
        }
    }

    @Test func refusedCommandsAnswer400WithOneLine() async throws {
        try await LoopbackHTTP.with(try Self.router(token: nil, listen: "127.0.0.1")) { http in
            for body in [#"{"type":"rate","value":1e-30}"#, #"{"type":"timescale","value":1e30}"#, #"{"type":"temperature","value":"hot"}"#, "{", #"{"type":"strokes"}"#] {
                let answer = try await http.post("/api/command", headers: Self.json, body: body)
                #expect(answer.status == 400, "\(body)")
                let object = try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any]
                #expect((object?["error"] as? String)?.contains("\n") == false)
            }
            #expect(try await http.post("/api/strokes", headers: Self.json, body: #"{"steps":1e30}"#).status == 400)
        }
    }

    @Test func answersHoldNoAbsolutePaths() async throws {
        try await LoopbackHTTP.with(try Self.router(token: nil, listen: "127.0.0.1")) { http in
            for path in ["/api/status", "/api/models", "/api/logs", "/api/datasets", "/api/trained"] {
                #expect(!(try await http.get(path).body.contains(NSTemporaryDirectory())), "\(path)")
            }
            let answer = try await http.post("/api/train", headers: Self.json, body: #"{"dataset":"missing.npz"}"#)
            #expect(answer.status == 400 && !answer.body.contains(NSTemporaryDirectory()), "\(answer.body)")
        }
    }
}
