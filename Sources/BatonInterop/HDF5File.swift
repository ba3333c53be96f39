import _CHDF5
import BatonCore
import Foundation

/// Why an HDF5 file cannot be read.
public struct HDF5Error: Error, Equatable, CustomStringConvertible {
    public var description: String
}

/// Read-only access to the float datasets of an HDF5 file (the official C library).
public final class HDF5File {
    public let path: String
    private let handle: hid_t
    /// Datasets larger than this are refused before they are read (1 GiB of floats).
    public static let maximumValues = 1 << 28

    public init(path: String) throws(HDF5Error) {
        baton_h5_silence_errors()
        guard H5Fis_hdf5(path) > 0 else { throw HDF5Error(description: "not an HDF5 file") }
        let handle = H5Fopen(path, baton_h5f_read_only(), hid_t(H5P_DEFAULT))
        guard handle >= 0 else { throw HDF5Error(description: "HDF5 cannot open it") }
        self.path = path
        self.handle = handle
    }

    deinit { H5Fclose(handle) }

    /// Paths of every dataset, e.g. `lstm0/lstm0/kernel:0`.
    public func datasetPaths() -> [String] {
        final class Box { var paths: [String] = [] }
        let box = Box()
        let callback: baton_h5_dataset_callback = { name, context in
            guard let name, let context else { return }
            Unmanaged<Box>.fromOpaque(context).takeUnretainedValue().paths.append(String(cString: name))
        }
        _ = withExtendedLifetime(box) { baton_h5_visit_datasets(handle, callback, Unmanaged.passUnretained(box).toOpaque()) }
        return box.paths.sorted()
    }

    /// A dataset's shape and values (converted to Float by HDF5), row-major.
    public func floats(_ name: String) throws(HDF5Error) -> (shape: [Int], values: [Float]) {
        let dataset = H5Dopen2(handle, name, hid_t(H5P_DEFAULT))
        guard dataset >= 0 else { throw HDF5Error(description: "no dataset '\(name)'") }
        defer { H5Dclose(dataset) }
        let space = H5Dget_space(dataset)
        defer { H5Sclose(space) }
        let rank = Int(H5Sget_simple_extent_ndims(space))
        guard rank >= 0, rank <= 8 else { throw HDF5Error(description: "dataset '\(name)' has rank \(rank)") }
        var dims = [hsize_t](repeating: 0, count: max(rank, 1))
        H5Sget_simple_extent_dims(space, &dims, nil)
        var shape: [Int] = []
        var count = 1
        for d in dims.prefix(rank) {
            // Checked one dimension at a time, so the product can neither overflow nor pass the limit.
            guard let n = Int(exactly: d), n <= Self.maximumValues, count * n <= Self.maximumValues else {
                throw HDF5Error(description: "dataset '\(name)' is too large (more than \(Self.maximumValues) values)")
            }
            shape.append(n)
            count *= n
        }
        var values = [Float](repeating: 0, count: count)
        let status = values.withUnsafeMutableBytes {
            H5Dread(dataset, baton_h5_native_float(), hid_t(H5S_ALL), hid_t(H5S_ALL), hid_t(H5P_DEFAULT), $0.baseAddress)
        }
        guard status >= 0 else { throw HDF5Error(description: "dataset '\(name)' cannot be read as floats") }
        return (shape, values)
    }
}
