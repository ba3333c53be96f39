import BatonCore
@testable import BatonTraining
import Foundation
import Testing
import ZIPFoundation

/// A folder for this process's test files.
func trainingTestPath(_ name: String) -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baton-training-tests-\(getpid())")
    try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder.appendingPathComponent(name).path
}

/// A `.npy` file from a header dict literal and raw data bytes.
func npyBytes(_ dict: String, data: [UInt8]) -> [UInt8] {
    var header = Array(dict.utf8)
    while (10 + header.count + 1) % 64 != 0 { header.append(0x20) }
    header.append(0x0A)
    return NpyHeader.magic + [1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)] + header + data
}

/// A corpus file of a fuzz target (Fuzz/Corpus/TARGET/NAME), for regression tests.
func fuzzCorpusFile(_ target: String, _ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/Corpus/\(target)/\(name)").path
}

@Suite struct NpyTests {
    @Test func floatsAndIntegersRoundTrip() throws {
        let values: [Float] = [1.5, -0, .leastNonzeroMagnitude, 3e38, 7, 8]
        let floats = NpyArray(floats: values, shape: [2, 3])
        let back = try NpyArray(bytes: floats.encoded())
        #expect(back == floats && back.floats().map(\.bitPattern) == values.map(\.bitPattern))
        let ints = NpyArray(int32: [0, -1, .max], shape: [3])
        #expect(try NpyArray(bytes: ints.encoded()).integers() == [0, -1, Int(Int32.max)])
    }

    @Test func bigEndianAndFortranOrderDecodeInCOrder() throws {
        var data: [UInt8] = []
        for v in [1.0, 2.0, 3.0, 4.0, 5.0, 6.0] { data += withUnsafeBytes(of: v.bitPattern.bigEndian, Array.init) }
        // Fortran order, shape (2, 3): column-major on disk [1 2 3 4 5 6] is [[1 3 5] [2 4 6]].
        let array = try NpyArray(bytes: npyBytes("{'descr': '>f8', 'fortran_order': True, 'shape': (2, 3), }", data: data))
        #expect(array.floats() == [1, 3, 5, 2, 4, 6])
        #expect(try array.integers() == [1, 3, 5, 2, 4, 6])
    }

    @Test func integersStayExactWhereFloat32WouldRound() throws {
        // A length above 2²⁴ must not become a nearby Float.
        let big = 16_777_217
        let array = try NpyArray(bytes: npyBytes("{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }",
                                                 data: withUnsafeBytes(of: Int64(big).littleEndian, Array.init)))
        #expect(try array.integers() == [big])
        let half = try NpyArray(bytes: npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }",
                                                data: withUnsafeBytes(of: Float(1.5).bitPattern.littleEndian, Array.init)))
        #expect(throws: NpyError.self) { try half.integers() }
        let huge = try NpyArray(bytes: npyBytes("{'descr': '<u8', 'fortran_order': False, 'shape': (1,), }", data: [UInt8](repeating: 0xFF, count: 8)))
        #expect(throws: NpyError.self) { try huge.integers() }
    }

    @Test func shapeProductsThatOverflowAreErrorsNotTraps() {
        // `shape.reduce(1, *)` used to trap on this header before reading any data.
        for shape in ["(4294967296, 4294967296)", "(3037000500, 3037000500, 2)", "(999999999999999999,)"] {
            #expect(throws: NpyError.self, "shape \(shape)") {
                try NpyArray(bytes: npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': \(shape), }", data: []))
            }
        }
    }

    @Test func malformedHeadersAreRefused() {
        let four: [UInt8] = [0, 0, 128, 63]
        for dict in ["{'descr': '<f4', 'fortran_order': False}", "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }",
                     "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", "not a dict",
                     "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", "{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }"] {
            #expect(throws: NpyError.self, "\(dict)") { try NpyArray(bytes: npyBytes(dict, data: four)) }
        }
        #expect(throws: NpyError.pickled(descr: "|O")) {
            try NpyArray(bytes: npyBytes("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", data: four))
        }
        let ok = npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", data: four)
        #expect(throws: NpyError.self, "bytes after the data") { try NpyArray(bytes: ok + [0]) }
        #expect(throws: NpyError.truncated(expected: 4, found: 3)) { try NpyArray(bytes: Array(ok.dropLast())) }
        var long = ok
        long[8] = 0xFF; long[6] = 2; long.insert(contentsOf: [0x7F, 0], at: 10)  // version 2, header of ~8 MB
        #expect(throws: NpyError.self) { try NpyArray(bytes: long) }
    }
}

@Suite struct NpzTests {
    /// An archive whose entries are given as raw `.npy` bytes.
    func archive(_ entries: [(String, [UInt8])], compressed: Bool = true) throws -> String {
        let archive = try Archive(accessMode: .create)
        for (name, bytes) in entries {
            let data = Data(bytes)
            try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: compressed ? .deflate : .none) {
                data.subdata(in: Int($0)..<(Int($0) + $1))
            }
        }
        let path = trainingTestPath("\(UUID().uuidString).npz")
        try writeAtomically([UInt8](archive.data ?? Data()), to: path)
        return path
    }

    @Test func sequenceSetsRoundTripThroughNpz() throws {
        let set = SequenceSet(dims: 2, values: [1, 2, 3, 4, 5, 6, 7, 8], offsets: [0, 1, 4])
        let path = trainingTestPath("set.npz")
        try set.write(npz: path)
        #expect(try SequenceSet.load(npz: path) == set)
    }

    @Test func aZipBombPosingAsAnNpzStopsAtTheDeclaredSize() throws {
        // The header declares 2 floats; 16 MB of zeros follow, deflated to a few KB.
        let bomb = npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", data: [UInt8](repeating: 0, count: 16 << 20))
        let path = try archive([("data.npy", bomb)])
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0 < 100_000)
        let started = ContinuousClock.now
        #expect {
            try SequenceSet.load(npz: path)
        } throws: { error in
            "\(error)".contains("inflates past 136 bytes, the size its headers declare")
        }
        #expect(ContinuousClock.now - started < .seconds(2))
    }

    @Test func arraysBeyondTheLimitAreRefusedFromTheirHeader() throws {
        // 2³¹ floats declared: refused once the header is read, before any data is inflated.
        let path = try archive([("data.npy", npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (536870912, 4), }", data: [1, 2, 3]))])
        #expect { try SequenceSet.load(npz: path) } throws: { "\($0)".contains("more than the \(NpyArray.maximumDataBytes)") }
    }

    @Test func onlyTheRequestedPartIsInflated() throws {
        // test_data is broken; reading the train part must not touch it.
        let good = NpyArray(floats: [1, 2, 3, 4], shape: [2, 2]).encoded(), lengths = NpyArray(int32: [2], shape: [1]).encoded()
        let path = try archive([("train_data.npy", good), ("train_lengths.npy", lengths), ("test_data.npy", [1, 2, 3])])
        #expect(try SequenceSet.load(npz: path).eventCount == 2)
    }

    @Test func lengthsThatDoNotAddUpAreErrorsNotOverflowTraps() throws {
        let data = NpyArray(floats: [1, 2, 3, 4], shape: [4, 1]).encoded()
        for lengths in [[2, 1], [-1, 5], [Int64.max, Int64.max, 4]] as [[Int64]] {
            var raw: [UInt8] = []
            for n in lengths { raw += withUnsafeBytes(of: n.littleEndian, Array.init) }
            let array = npyBytes("{'descr': '<i8', 'fortran_order': False, 'shape': (\(lengths.count),), }", data: raw)
            let path = try archive([("data.npy", data), ("lengths.npy", array)])
            #expect(throws: DataError.self, "lengths \(lengths)") { try SequenceSet.load(npz: path) }
        }
    }

    @Test func nonFiniteDataNamesItsRowAndColumn() throws {
        let path = try archive([("data.npy", NpyArray(floats: [1, 2, 3, .nan], shape: [2, 2]).encoded())])
        #expect(throws: DataError.invalidValue(path: path, row: 1, column: 1, value: "nan (as float32)")) { try SequenceSet.load(npz: path) }
        // float64 values beyond float32's range become infinite, so they are refused too.
        let wide = npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1), }", data: withUnsafeBytes(of: (1e300).bitPattern.littleEndian, Array.init))
        #expect(throws: DataError.self) { try SequenceSet.load(npz: try archive([("data.npy", wide)])) }
    }

    @Test func twoArraysOfTheSameNameAreRefused() throws {
        let entry = NpyArray(floats: [1], shape: [1, 1]).encoded()
        let path = try archive([("data.npy", entry), ("data.npy", entry)])
        #expect { try NpzArchive(path: path) } throws: { "\($0)".contains("two arrays named 'data'") }
    }

    /// Found by the npy-npz fuzz target: an entry whose offset lies past the end of the
    /// archive trapped inside ZIPFoundation's in-memory reader. Archives are read from files.
    @Test func entryOffsetPastTheEndIsRefusedNotATrap() throws {
        let path = fuzzCorpusFile("npy-npz", "regression-entry-offset-past-end.npz")
        #expect(FileManager.default.fileExists(atPath: path))
        if let archive = try? NpzArchive(path: path) {
            for name in archive.names { _ = try? archive.array(name) }
        }
    }
}
