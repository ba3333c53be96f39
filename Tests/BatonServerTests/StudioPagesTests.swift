@testable import BatonServer
import Foundation
import Hummingbird
import Logging
import Testing

/// The Studio's pages assembled from their own files and the shared head fragment: the
/// shipped pages, the errors that stop the server at start, and the routes that serve them.
@Suite struct StudioPagesTests {
    static let titles = ["index.html": "Baton Studio", "ensemble.html": "Ensemble · Baton Studio",
                         "handwriting.html": "Handwriting · Baton Studio", "instrument.html": "Instrument · Baton Studio"]

    static func text(_ pages: StudioPages, _ name: String) throws -> String? {
        try pages.page(named: name).map { String(buffer: $0) }
    }

    /// A Studio folder with this fragment (nil: none) and these pages.
    static func folder(fragment: String?, pages: [String: String]) throws -> String {
        let folder = temporaryFolder("studio-pages")
        if let fragment {
            try FileManager.default.createDirectory(atPath: folder + "/partials", withIntermediateDirectories: true)
            try fragment.write(toFile: folder + "/" + StudioPages.fragmentPath, atomically: true, encoding: .utf8)
        }
        for (name, text) in pages { try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8) }
        return folder
    }

    static let page = "<!doctype html>\n<head>\n  \(StudioPages.marker)\n  <title>T</title>\n</head>\n<body></body>\n"

    @Test func everyShippedPageHasTheSharedHeadOnceAndItsOwnTitle() throws {
        let folder = try #require(LiveServer.studioFolder)
        let pages = try StudioPages(folder: folder)
        #expect(pages.names == Self.titles.keys.sorted())
        let fragment = try String(contentsOfFile: folder + "/" + StudioPages.fragmentPath, encoding: .utf8)
        let lines = fragment.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        #expect(lines.count == 4)
        for (name, title) in Self.titles {
            let text = try #require(try Self.text(pages, name))
            for line in lines { #expect(text.components(separatedBy: line).count == 2, "\(name): \(line)") }
            #expect(text.components(separatedBy: "<title>\(title)</title>").count == 2, "\(name)")
            #expect(text.components(separatedBy: "<title>").count == 2, "\(name): one title")
            #expect(!text.contains(StudioPages.marker))
        }
    }

    @Test func theFragmentTakesTheMarkersIndentation() throws {
        let text = try StudioPages.assemble(page: Self.page, fragment: "<meta charset=\"utf-8\">\n<link rel=\"icon\">\n", name: "p.html")
        #expect(text == "<!doctype html>\n<head>\n  <meta charset=\"utf-8\">\n  <link rel=\"icon\">\n  <title>T</title>\n</head>\n<body></body>\n")
    }

    @Test func aMissingFragmentStopsTheServerNamingIt() throws {
        let folder = try Self.folder(fragment: nil, pages: ["index.html": Self.page])
        #expect {
            try StudioPages(folder: folder)
        } throws: { error in
            "\(error)".contains(folder + "/partials/head.html") && !"\(error)".contains("\n")
        }
    }

    @Test func aPageWithoutOneMarkerStopsTheServerNamingIt() throws {
        for broken in ["<head><title>T</title></head>", Self.page.replacingOccurrences(of: "<title>", with: StudioPages.marker + "<title>")] {
            let folder = try Self.folder(fragment: "<meta charset=\"utf-8\">", pages: ["index.html": Self.page, "broken.html": broken])
            #expect {
                try StudioPages(folder: folder)
            } throws: { error in
                "\(error)".contains("broken.html") && "\(error)".contains(StudioPages.marker)
            }
        }
    }

    @Test func anEditedPageOrFragmentIsAssembledAgain() throws {
        let folder = try Self.folder(fragment: "<meta charset=\"utf-8\">", pages: ["index.html": Self.page])
        let pages = try StudioPages(folder: folder)
        #expect(try Self.text(pages, "index.html")?.contains("<title>T</title>") == true)
        #expect(try Self.text(pages, "missing.html") == nil)
        let later = Date().addingTimeInterval(5)
        try Self.page.replacingOccurrences(of: "<title>T", with: "<title>Edited").write(toFile: folder + "/index.html", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: later], ofItemAtPath: folder + "/index.html")
        #expect(try Self.text(pages, "index.html")?.contains("<title>Edited</title>") == true)
        try "<meta name=\"new\">".write(toFile: folder + "/" + StudioPages.fragmentPath, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: later], ofItemAtPath: folder + "/" + StudioPages.fragmentPath)
        #expect(try Self.text(pages, "index.html")?.contains("<meta name=\"new\">") == true)
    }

    @Test func everySpellingOfAPagePathGetsTheAssembledPage() async throws {
        let folder = try Self.folder(fragment: "<link rel=\"stylesheet\" href=\"css/studio.css\">",
                                     pages: ["index.html": Self.page, "ensemble.html": Self.page])
        try "body {}".write(toFile: folder + "/studio.css", atomically: true, encoding: .utf8)
        let pages = try StudioPages(folder: folder)
        let access = AccessPolicy(token: nil, listen: "127.0.0.1", isStudioFile: AccessMiddleware.studioFiles(in: folder))
        let router = HTTPInterface.router(session: try testSession(), catalog: [], access: access, studio: pages, logger: Logger(label: "test"))
        try await LoopbackHTTP.with(router) { http in
            for path in ["/", "/index.html", "/ensemble.html", "//ensemble.html", "/./ensemble.html", "/%65nsemble.html", "/x/../ensemble.html"] {
                let answer = try await http.get(path)
                #expect(answer.status == 200, "\(path)")
                #expect(answer.body.contains("<link rel=\"stylesheet\" href=\"css/studio.css\">") && !answer.body.contains(StudioPages.marker), "\(path)")
            }
            #expect(try await http.get("/studio.css").body == "body {}", "other files as they are")
            #expect(try await http.get("/nothing.html").status == 404)
        }
    }
}
