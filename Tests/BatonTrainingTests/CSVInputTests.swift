import BatonCore
@testable import BatonTraining
import Foundation
import Testing

@Suite struct EventCSVTests {
    func parse(_ text: String) throws(DataError) -> SequenceSet { try EventCSV.parse(Array(text.utf8), path: "e.csv").events }

    @Test func readsHeaderAndRowsWithBlankLinesAndCRLF() throws {
        let events = try parse("dt, x\r\n\r\n0.1, 0.5\r\n  \n0.2,0.25\n")
        #expect(events.dims == 2 && events.values == [0.1, 0.5, 0.2, 0.25])
    }

    @Test func aCSVFullOfNaNNamesTheFirstBadCell() {
        let rows = (0..<1000).map { _ in "nan,nan" }.joined(separator: "\n")
        #expect(throws: DataError.invalidValue(path: "e.csv", row: 2, column: 1, value: "'nan' (not finite in float32)")) { try parse("dt,x\n" + rows) }
    }

    @Test func valuesBeyondFloat32AreRefusedAsNotFinite() {
        #expect(throws: DataError.invalidValue(path: "e.csv", row: 3, column: 2, value: "'1e39' (not finite in float32)")) { try parse("dt,x\n0.1,1\n0.1,1e39\n") }
        #expect(throws: DataError.invalidValue(path: "e.csv", row: 2, column: 2, value: "'-inf' (not finite in float32)")) { try parse("dt,x\n0.1,-inf\n") }
        #expect(throws: DataError.invalidValue(path: "e.csv", row: 2, column: 2, value: "'x'")) { try parse("dt,x\n0.1,x\n") }
    }

    @Test func rowNumbersCountBlankLines() {
        // Blank lines used to be dropped before numbering, so errors pointed at the wrong row.
        #expect(throws: DataError.invalidValue(path: "e.csv", row: 5, column: 2, value: "'?'")) { try parse("dt,x\n\n0.1,1\n\n0.1,?\n") }
    }

    @Test func raggedRowsAreRefused() {
        #expect(throws: DataError.invalidValue(path: "e.csv", row: 3, column: 2, value: "3 fields, header has 2")) { try parse("dt,x\n0.1,1\n0.1,1,2\n") }
    }

    @Test func hugeLinesAreRefusedWithTheirLineNumber() {
        let huge = String(repeating: "1", count: CSVRows.maximumLineBytes + 1)
        #expect(throws: DataError.invalidValue(path: "e.csv", row: 3, column: 1, value: "a line of \(CSVRows.maximumLineBytes + 1) bytes (at most \(CSVRows.maximumLineBytes))")) {
            try parse("dt,x\n0.1,1\n" + huge + "\n")
        }
    }

    @Test func tooManyColumnsAreRefused() {
        let header = (0...ArchitectureLimits.dims.upperBound).map { "c\($0)" }.joined(separator: ",")
        #expect(throws: DataError.self) { try parse(header + "\n") }
        #expect(throws: DataError.self) { try parse(String(repeating: ",", count: CSVRows.maximumFields + 5) + "\n") }
    }

    @Test func emptyAndHeaderlessFilesAreRefused() {
        #expect(throws: DataError.empty(path: "e.csv")) { try parse("") }
        #expect(throws: DataError.empty(path: "e.csv")) { try parse("dt,x\n") }
        #expect(throws: DataError.self) { try parse("0.1,2\n") }
    }
}

@Suite struct InteractionLogTests {
    func parse(_ text: String) throws(DataError) -> [InteractionLogs.Row] { try InteractionLogs.parse(Array(text.utf8), path: "s.log") }

    @Test func readsTimestampsSourcesAndValues() throws {
        let rows = try parse("2026-11-24T10:00:10.500000,interface,0.5,0.25\n2026-11-24 10:00:11Z,rnn,1,0\n")
        #expect(rows.map(\.source) == ["interface", "rnn"] && rows[1].time - rows[0].time == 0.5)
        let events = try InteractionLogs.events(rows, dims: 3, path: "s.log")
        #expect(events == [0, 0.5, 0.25, 0.5, 1, 0])
    }

    @Test func nanInfinityAndBadTimestampsAreRefused() {
        #expect(throws: DataError.self) { try parse("2026-11-24T10:00:10,interface,nan\n") }
        #expect(throws: DataError.self) { try parse("2026-11-24T10:00:10,interface,inf\n") }
        #expect(throws: DataError.self) { try parse("2026-13-24T10:00:10,interface,1\n") }
        #expect(throws: DataError.self) { try parse("yesterday,interface,1\n") }
        #expect(throws: DataError.self) { try parse("2026-11-24T10:00:10,interface\n") }
    }

    @Test func timeGoingBackwardsAndRaggedSessionsAreRefused() throws {
        let backwards = try parse("2026-11-24T10:00:11,interface,1\n2026-11-24T10:00:10,interface,1\n")
        #expect(throws: DataError.self) { try InteractionLogs.events(backwards, dims: 2, path: "s.log") }
        let ragged = try parse("2026-11-24T10:00:10,interface,1\n2026-11-24T10:00:11,interface,1,2\n")
        #expect(throws: DataError.self) { try InteractionLogs.events(ragged, dims: 2, path: "s.log") }
    }

    @Test func hugeLinesAreRefused() {
        let line = "2026-11-24T10:00:10,interface," + String(repeating: "1", count: CSVRows.maximumLineBytes)
        #expect(throws: DataError.self) { try parse(line + "\n") }
    }
}
