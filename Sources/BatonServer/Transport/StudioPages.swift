import BatonCore
import Foundation
import NIOCore
import Synchronization

/// The Studio's pages as browsers get them. A page file (a top-level `.html` of the Studio
/// folder) holds only what is its own — title, page script, body — and one
/// `<!-- shared head -->` line, where `partials/head.html`, the part of `<head>` every page
/// shares, is put. The pages are assembled when the server starts (a missing fragment or
/// marker stops it there) and served from memory; a page is assembled again only when its
/// file or the fragment changes on disk (`--studio` while editing).
final class StudioPages: Sendable {
    /// The shared part of every page's `<head>`, relative to the Studio folder.
    static let fragmentPath = "partials/head.html"
    /// The line of a page's `<head>` that the fragment replaces.
    static let marker = "<!-- shared head: partials/head.html -->"

    /// The Studio folder.
    let folder: String
    private let assembled: Mutex<[String: Page]>

    /// One assembled page and the modification dates of the two files it was made from.
    private struct Page {
        var bytes: ByteBuffer
        var sources: Sources
    }

    private struct Sources: Equatable {
        var page: Date?
        var fragment: Date?
    }

    /// Assembles every page of `folder`; throws naming the file when the fragment is missing
    /// or a page lacks its marker line.
    init(folder: String) throws(StudioPageError) {
        self.folder = folder
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".html") }.sorted()
        } catch {
            throw StudioPageError(message: "cannot list the Studio folder \(folder)", hint: "give --studio the Studio folder of a Baton checkout (Sources/BatonServer/Studio)")
        }
        var pages: [String: Page] = [:]
        for name in names { pages[name] = try Self.load(name, in: folder) }
        assembled = Mutex(pages)
    }

    /// The page files, by name (`index.html`, `ensemble.html`, …).
    var names: [String] { assembled.withLock { $0.keys.sorted() } }

    /// The page `name` as served: from memory, or assembled again when a source changed.
    func page(named name: String) throws(StudioPageError) -> ByteBuffer? {
        guard let cached = assembled.withLock({ $0[name] }) else { return nil }
        if Self.sources(of: name, in: folder) == cached.sources { return cached.bytes }
        let fresh = try Self.load(name, in: folder)
        assembled.withLock { $0[name] = fresh }
        return fresh.bytes
    }

    /// The page with the fragment in place of its marker line, indented as the marker was.
    static func assemble(page: String, fragment: String, name: String) throws(StudioPageError) -> String {
        let count = page.components(separatedBy: marker).count - 1
        guard count == 1, let range = page.range(of: marker) else {
            throw StudioPageError(message: "the Studio page \(name) has \(count == 0 ? "no" : "\(count)") \(marker) lines",
                                  hint: "put exactly one, first in its <head>: it is replaced by \(fragmentPath)")
        }
        let lineStart = page[..<range.lowerBound].lastIndex(of: "\n").map { page.index(after: $0) } ?? page.startIndex
        let indent = String(page[lineStart..<range.lowerBound].prefix { $0 == " " || $0 == "\t" })
        let lines = fragment.trimmingCharacters(in: .newlines).split(separator: "\n", omittingEmptySubsequences: false)
        return page.replacingCharacters(in: range, with: lines.joined(separator: "\n" + indent))
    }

    private static func load(_ name: String, in folder: String) throws(StudioPageError) -> Page {
        let sources = sources(of: name, in: folder)
        let fragment = try read(fragmentPath, in: folder, hint: "every Studio page takes its shared <head> from this file; give --studio the Studio folder of a Baton checkout")
        let page = try read(name, in: folder, hint: "check the file's permissions and encoding")
        return Page(bytes: ByteBuffer(string: try assemble(page: page, fragment: fragment, name: name)), sources: sources)
    }

    private static func read(_ file: String, in folder: String, hint: String) throws(StudioPageError) -> String {
        let path = (folder as NSString).appendingPathComponent(file)
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw StudioPageError(message: "cannot read \(path) as UTF-8 text", hint: hint)
        }
        return text
    }

    private static func sources(of name: String, in folder: String) -> Sources {
        func modified(_ file: String) -> Date? {
            let path = (folder as NSString).appendingPathComponent(file)
            return (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
        }
        return Sources(page: modified(name), fragment: modified(fragmentPath))
    }
}
