import BatonEnsemble
@testable import BatonServer
import Foundation
import Testing

@Suite struct JSONCommandTests {
    static func parse(_ json: String) throws -> LiveCommand? {
        try LiveCommand.command(json: JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any])
    }

    @Test func mirrorsTheOSCControls() throws {
        #expect(try Self.parse(#"{"type":"weights","weights":[0.7,0.3]}"#) == .setWeights([0.7, 0.3]))
        #expect(try Self.parse(#"{"type":"weight","model":"Shakespeare","value":1}"#) == .setWeight(model: .name("Shakespeare"), value: 1))
        #expect(try Self.parse(#"{"type":"weight","model":2,"value":0.5}"#) == .setWeight(model: .index(2), value: 0.5))
        #expect(try Self.parse(#"{"type":"pooling","value":"product"}"#) == .setPooling(.product))
        #expect(try Self.parse(#"{"type":"lookahead","candidates":4,"depth":6}"#) == .setLookahead(Lookahead(candidates: 4, depth: 6)))
        #expect(try Self.parse(#"{"type":"lookahead","value":null}"#) == .setLookahead(nil))
        #expect(try Self.parse(#"{"type":"pause","paused":false}"#) == .pause(false))
        #expect(try Self.parse(#"{"type":"interface","values":[0.1,0.2]}"#) == .interface([0.1, 0.2]))
        #expect(try Self.parse(#"{"type":"mode","mode":"battle"}"#) == .setMode(.battle))
        #expect(try Self.parse(#"{"type":"strokes"}"#) == nil)
    }

    @Test func refusesMalformedCommands() {
        #expect(throws: CommandError.self) { try Self.parse(#"{"type":"weights","weights":"loud"}"#) }
        #expect(throws: CommandError.self) { try Self.parse(#"{"type":"temperature"}"#) }
        #expect(throws: CommandError.self) { try Self.parse(#"{"type":"mode","mode":"jam"}"#) }
        #expect(throws: CommandError.self) { try Self.parse(#"{"value":1}"#) }
    }
}

@Suite struct EventEncodingTests {
    @Test func jsonIsValidAndEscaped() throws {
        let event = LiveEvent.symbol(text: "\"é\"\n", model: 1, shares: [0.25, 0.75])
        let object = try JSONSerialization.jsonObject(with: Data(event.json.utf8)) as! [String: Any]
        #expect(object["text"] as? String == "\"é\"\n" && object["model"] as? Int == 1)
        let frame = LiveEvent.distributions(DistributionFrame(frame: 3, symbol: 65, weights: [0.5, 0.5], joint: [Float](repeating: 1 / 256, count: 256), models: [[Float](repeating: 1 / 256, count: 256), []]))
        let decoded = try JSONSerialization.jsonObject(with: Data(frame.json.utf8)) as! [String: Any]
        #expect((decoded["joint"] as? [Double])?.count == 256 && (decoded["models"] as? [[Double]])?[1].isEmpty == true)
    }

    @Test func hubDropsOldestEventsForSlowSubscribers() async {
        let hub = EventHub()
        let (_, events) = hub.subscribe(buffer: 4)
        for i in 0..<10 { hub.publish(.prediction(values: [Float(i)], dt: 0)) }
        hub.finishAll()
        var seen: [Float] = []
        for await published in events { if case .prediction(let v, _) = published.event { seen.append(v[0]) } }
        #expect(seen == [6, 7, 8, 9])
    }
}
