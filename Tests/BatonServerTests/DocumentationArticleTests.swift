import BatonCore
import BatonServer
import Foundation
import Logging
import Testing

// The code of BatonServer.docc/RunningTheServerInProcess.md, verbatim (BatonCoreTests'
// DocumentationArticleTests fails when the two drift apart). Public API only.

/// Plays a text model through the live server for `characters` characters at
/// `temperature`, with the server's ports open as `baton serve` has them; returns the text
/// and the HTTP address the Studio was on.
func playThroughTheServer(modelPath: String, workspace: String, characters: Int, temperature: Float) async throws -> (text: String, studio: String) {
    let model = try Model.load(path: modelPath)
    var configuration = ServerConfiguration()
    configuration.httpPort = 0
    configuration.oscPort = 0
    configuration.oscDestinations = []
    configuration.workspace = workspace
    configuration.textRate = 200
    configuration.seed = 42
    let server = try LiveServer(configuration: configuration, models: [(path: modelPath, model: model)], logger: Logger(label: "my-app"))

    let (subscription, events) = server.session.hub.subscribe()
    let (studio, reportStudio) = AsyncStream<String>.makeStream()
    let running = Task {
        try await server.run { endpoints in
            reportStudio.yield("http://\(endpoints.http)/")
        }
    }
    try server.session.apply(.setTemperature(temperature))

    var text = ""
    for await published in events {
        if case .symbol(let character, _, _) = published.event { text += character }
        if text.count >= characters { break }
    }
    server.session.hub.unsubscribe(subscription)
    var address = ""
    for await first in studio {
        address = first
        break
    }
    running.cancel()
    try? await running.value
    return (text, address)
}

@Suite struct DocumentationArticleTests {
    @Test(.timeLimit(.minutes(1)))
    func theServerPlaysInProcessAndStopsWhenCancelled() async throws {
        let model = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Models/text/austen.safetensors").path
        let workspace = FileManager.default.temporaryDirectory.appendingPathComponent("baton-article-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: workspace) }
        let (text, studio) = try await playThroughTheServer(modelPath: model, workspace: workspace, characters: 12, temperature: 0.6)
        #expect(text.count >= 12)
        #expect(!text.contains("\u{FFFD}"))
        #expect(studio.hasPrefix("http://127.0.0.1:"))
        #expect(!studio.hasSuffix(":0/"))
    }
}
