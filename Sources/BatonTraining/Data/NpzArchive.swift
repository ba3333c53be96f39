import BatonCore
import Foundation
import ZIPFoundation

/// A NumPy `.npz` archive: a zip of `.npy` files (stored or deflated), read and written
/// natively.
public struct NpzArchive: Sendable {
    public var arrays: [String: NpyArray]

    public init(arrays: [String: NpyArray]) { self.arrays = arrays }

    public static func load(path: String) throws(DataError) -> NpzArchive {
        guard FileManager.default.fileExists(atPath: path) else { throw .unreadable(path: path, reason: "no such file") }
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw .unsupported(path: path, reason: "not a zip archive, so not an .npz", hint: "save arrays with numpy.savez or savez_compressed")
        }
        var arrays: [String: NpyArray] = [:]
        for entry in archive where entry.type == .file && entry.path.hasSuffix(".npy") {
            var data = Data()
            do {
                _ = try archive.extract(entry, skipCRC32: false) { data.append($0) }
            } catch {
                throw .unsupported(path: path, reason: "entry \(entry.path) cannot be decompressed (\(error))", hint: "the file may be truncated; save it again")
            }
            let name = String(entry.path.dropLast(4))
            do {
                arrays[name] = try NpyArray(bytes: [UInt8](data))
            } catch NpyError.pickled(let descr) {
                throw .unsupported(path: path, reason: "array '\(name)' holds pickled Python objects (dtype \(descr))",
                                   hint: "re-save without pickles: np.savez(path, data=np.concatenate(seqs), lengths=np.array([len(s) for s in seqs]))")
            } catch {
                throw .unsupported(path: path, reason: "array '\(name)' \(error)", hint: "save it again with numpy.savez")
            }
        }
        guard !arrays.isEmpty else { throw .unsupported(path: path, reason: "holds no .npy arrays", hint: "save arrays with numpy.savez") }
        return NpzArchive(arrays: arrays)
    }

    /// Writes a deflate-compressed archive atomically.
    public func write(to path: String) throws(FileWriteError) {
        let archive: Archive
        do { archive = try Archive(accessMode: .create) } catch { throw FileWriteError(path: path, reason: "\(error)") }
        for name in arrays.keys.sorted() {
            let bytes = Data(arrays[name]!.encoded())
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
