@testable import BatonServer
import Foundation
import Testing

/// docs/protocol.md prints the same limits the parsers apply.
@Suite struct LimitsDocumentationTests {
    static let protocolDocument = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/protocol.md")

    @Test func everyLimitIsDocumentedWithItsRange() throws {
        let text = try String(contentsOf: Self.protocolDocument, encoding: .utf8)
        for limit in LiveLimits.table {
            #expect(text.contains("| \(limit.name) | \(limit.rangeText) |"), "docs/protocol.md lacks the row for \(limit.name): \(limit.rangeText)")
        }
        #expect(text.contains("1,000 predictions a second") && LiveLimits.predictionRate == 1000)
        #expect(text.contains("60 s ahead") && text.contains("1,024 messages") && LiveLimits.scheduledMessages == 1024 && LiveLimits.scheduleHorizon == 60)
    }

    @Test func everyOSCAddressIsDocumented() throws {
        let text = try String(contentsOf: Self.protocolDocument, encoding: .utf8)
        for address in LiveCommand.oscAddresses { #expect(text.contains("`\(address)`"), "\(address)") }
    }
}
