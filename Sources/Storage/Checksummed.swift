/// Datasets that carry a CRC-32 of their contents (attribute `crc32`, uint32, over the little-endian element bytes;
/// for strings over the UTF-8 bytes, each followed by a NUL), verified on every read.
struct Checksummed {
    let file: HDF5File

    /// Writes `values` (uncompressed, chunked) with its checksum.
    func put<T: HDF5Element>(_ values: [T], shape: [Int]? = nil, at object: String, compression: Int = 0) throws {
        try file.write(values, shape: shape ?? [values.count], at: object, compression: compression)
        try file.setAttribute("crc32", CRC32.checksum(of: values), at: object)
    }

    /// Writes strings with their checksum.
    func put(strings: [String], at object: String) throws {
        try file.write(strings: strings, at: object)
        try file.setAttribute("crc32", Self.checksum(strings), at: object)
    }

    /// Reads a dataset of exactly type `T`, checks its checksum and, if given, its shape.
    func get<T: HDF5Element>(_ type: T.Type, at object: String, shape expected: [Int]? = nil) throws -> [T] {
        try requireDataset(object)
        let (values, shape) = try file.read(type, at: object)
        if let expected, expected != shape {
            throw StorageError.malformed(
                path: file.path,
                reason: "dataset '\(object)' has shape \(shape), expected \(expected)")
        }
        guard try file.attribute("crc32", at: object, as: UInt32.self) == CRC32.checksum(of: values) else {
            throw StorageError.checksum(path: file.path, dataset: object)
        }
        return values
    }

    /// Reads a dataset of exactly type `T` whose shape has `rank` dimensions; returns values and shape.
    func get<T: HDF5Element>(_ type: T.Type, at object: String, rank: Int) throws -> (values: [T], shape: [Int]) {
        try requireDataset(object)
        let shape = try file.shape(of: object)
        guard shape.count == rank else {
            throw StorageError.malformed(
                path: file.path,
                reason: "dataset '\(object)' has rank \(shape.count), "
                    + "expected \(rank)")
        }
        return (try get(type, at: object, shape: shape), shape)
    }

    /// Reads strings and checks their checksum.
    func getStrings(at object: String) throws -> [String] {
        try requireDataset(object)
        let strings = try file.readStrings(at: object)
        guard try file.attribute("crc32", at: object, as: UInt32.self) == Self.checksum(strings) else {
            throw StorageError.checksum(path: file.path, dataset: object)
        }
        return strings
    }

    func requireDataset(_ object: String) throws {
        guard file.isDataset(object) else {
            throw StorageError.malformed(path: file.path, reason: "dataset '\(object)' is missing")
        }
        guard file.hasAttribute("crc32", at: object) else {
            throw StorageError.malformed(path: file.path, reason: "dataset '\(object)' has no checksum")
        }
    }

    static func checksum(_ strings: [String]) -> UInt32 {
        var bytes: [UInt8] = []
        for string in strings {
            bytes.append(contentsOf: string.utf8)
            bytes.append(0)
        }
        return CRC32.checksum(of: bytes)
    }
}
