import BatonCore
import Foundation
import ZIPFoundation

/// A NumPy `.npz` archive being read: a zip of `.npy` files (stored or deflated).
///
/// Arrays are inflated one at a time, only when asked for, and each is bounded: the npy
/// header is parsed from the first bytes, and inflation stops as soon as the entry would
/// exceed what that header declares, what the zip directory declares, or
/// `NpyArray.maximumDataBytes` — a zip bomb posing as an npz fails after one chunk.
public struct NpzArchive {
    public let path: String
    /// Array names (entry names without `.npy`), sorted.
    public let names: [String]
    private let archive: Archive
    private let entries: [String: Entry]

    /// Opens the file at `path` (read lazily: only the zip directory is read here). Archives
    /// are always read from a file: ZIPFoundation's in-memory reader traps on an entry whose
    /// offset lies past the end of the data (found by the npy-npz fuzz target).
    public init(path: String) throws(DataError) {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue else {
            throw .unreadable(path: path, reason: isFolder.boolValue ? "is a folder, not an .npz file" : "no such file")
        }
        let archive: Archive
        do { archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read) } catch { throw Self.notZip(path) }
        try self.init(archive: archive, path: path)
    }

    private init(archive: Archive, path: String) throws(DataError) {
        var entries: [String: Entry] = [:]
        for entry in archive where entry.type == .file && entry.path.hasSuffix(".npy") {
            let name = String(entry.path.dropLast(4))
            guard entries.updateValue(entry, forKey: name) == nil else {
                throw .unsupported(path: path, reason: "holds two arrays named '\(name.prefix(80))'", hint: "the file is damaged or tampered with; save it again with numpy.savez")
            }
        }
        guard !entries.isEmpty else { throw .unsupported(path: path, reason: "holds no .npy arrays", hint: "save arrays with numpy.savez") }
        self.path = path
        self.archive = archive
        self.entries = entries
        names = entries.keys.sorted()
    }

    private static func notZip(_ path: String) -> DataError {
        .unsupported(path: path, reason: "not a zip archive, so not an .npz", hint: "save arrays with numpy.savez or savez_compressed")
    }

    public func contains(_ name: String) -> Bool { entries[name] != nil }

    /// The named array, or nil when the archive has none of that name.
    public func array(_ name: String) throws(DataError) -> NpyArray? {
        guard let entry = entries[name] else { return nil }
        var bytes: [UInt8] = []
        var expectedTotal: Int?
        do {
            try archive.extract(entry, maximumBytes: NpyHeader.maximumHeaderLength + 12 + NpyArray.maximumDataBytes) { chunk in
                bytes.append(contentsOf: chunk)
                if expectedTotal == nil, let header = try NpyHeader.parse(bytes[...], maximumDataBytes: NpyArray.maximumDataBytes) {
                    expectedTotal = header.dataStart + header.dataBytes
                    bytes.reserveCapacity(min(header.dataStart + header.dataBytes, 64 << 20))
                }
                if let expectedTotal, bytes.count > expectedTotal {
                    throw ZipEntryError.inflatesPast(limit: expectedTotal)
                }
            }
            return try NpyArray(bytes: bytes)
        } catch NpyError.pickled(let descr) {
            throw .unsupported(path: path, reason: "array '\(name.prefix(80))' holds pickled Python objects (dtype \(descr.prefix(40)))",
                               hint: "re-save without pickles: np.savez(path, data=np.concatenate(seqs), lengths=np.array([len(s) for s in seqs]))")
        } catch let error as NpyError {
            throw .unsupported(path: path, reason: "array '\(name.prefix(80))' \(error)", hint: "save it again with numpy.savez")
        } catch {
            throw .unsupported(path: path, reason: "array '\(name.prefix(80))' \(error)", hint: "the file may be truncated or damaged; save it again")
        }
    }

    /// Writes `arrays` as a deflate-compressed archive, atomically.
    public static func write(_ arrays: [String: NpyArray], to path: String) throws(FileWriteError) {
        let archive: Archive
        do { archive = try Archive(accessMode: .create) } catch { throw FileWriteError(path: path, reason: "\(error)") }
        for name in arrays.keys.sorted() {
            guard let array = arrays[name] else { continue }
            let bytes = Data(array.encoded())
            do {
                try archive.addEntry(with: name + ".npy", type: .file, uncompressedSize: Int64(bytes.count),
                                     compressionMethod: .deflate) { position, size in
                    bytes.subdata(in: Int(position)..<(Int(position) + size))
                }
            } catch {
                throw FileWriteError(path: path, reason: "\(error)")
            }
        }
        guard let data = archive.data else { throw FileWriteError(path: path, reason: "archive has no data") }
        try writeAtomically([UInt8](data), to: path)
    }
}
