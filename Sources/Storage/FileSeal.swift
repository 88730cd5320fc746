import Foundation

/// A whole-file checksum in the HDF5 user block (the first ``size`` bytes, which HDF5 and h5py skip), checked
/// before the HDF5 library parses a file: a damaged file is refused with a clear message instead of being handed
/// to a parser that may misbehave on corrupted metadata.
///
/// The block is text, NUL-padded: `MBMPO-SEAL 1\nformat=NAME\nlength=BYTES\ncrc32=HEX\n`, where length and CRC-32
/// cover every byte after the block.
public enum FileSeal {
    /// Bytes reserved at the start of a sealed file.
    public static let size = 512

    /// The sealed file: the seal block, then the HDF5 image (HDF5 finds a superblock at offset 512 and treats the
    /// bytes before it as the user block).
    public static func sealed(_ image: [UInt8], format: String) -> [UInt8] {
        let crc = CRC32.checksum(of: image)
        let text = "MBMPO-SEAL 1\nformat=\(format)\nlength=\(image.count)\ncrc32=\(String(crc, radix: 16))\n"
        return Array(text.utf8) + [UInt8](repeating: 0, count: size - text.utf8.count) + image
    }

    /// Rewrites the seal of the sealed file at `path` (for files changed after writing, e.g. in tests).
    public static func seal(_ path: String, format: String) throws {
        guard let bytes = FileManager.default.contents(atPath: path), bytes.count >= size else {
            throw StorageError.io(path: path, reason: "cannot read the file to seal it")
        }
        try AtomicFile.write(bytes: sealed(Array(bytes.dropFirst(size)), format: format), to: path)
    }

    /// Checks that the file at `path` carries a seal of `format` and that its length and checksum match.
    public static func verify(_ path: String, format: String) throws {
        try RegularFile.check(path)
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw StorageError.io(path: path, reason: "cannot open the file for reading")
        }
        defer { try? handle.close() }
        let block = (try? handle.read(upToCount: size)) ?? Data()
        let text = String(decoding: block.prefix { $0 != 0 }, as: UTF8.self)
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let parts = line.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        guard block.count == size, text.hasPrefix("MBMPO-SEAL 1\n"),
            block.dropFirst(text.utf8.count).allSatisfy({ $0 == 0 }),
            let name = fields["format"],
            let expectedLength = fields["length"].flatMap({ Int($0) }),
            let expectedCRC = fields["crc32"].flatMap({ UInt32($0, radix: 16) })
        else {
            throw StorageError.malformed(path: path, reason: "not an \(format) file (no valid seal)")
        }
        guard name == format else {
            throw StorageError.malformed(path: path, reason: "holds '\(name)', expected '\(format)'")
        }
        try handle.seek(toOffset: UInt64(size))
        let (length, crc) = try checksum(handle, path: path)
        guard length == expectedLength else {
            throw StorageError.malformed(
                path: path,
                reason: "truncated or extended: \(length + size) bytes, "
                    + "expected \(expectedLength + size)")
        }
        guard crc == expectedCRC else {
            throw StorageError.malformed(path: path, reason: "file checksum mismatch (the file is corrupted)")
        }
    }

    /// Length and CRC-32 of the bytes after the user block.
    static func checksum(_ handle: FileHandle, path: String) throws -> (Int, UInt32) {
        var crc: UInt32 = 0, length = 0
        do {
            try handle.seek(toOffset: UInt64(size))
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                crc = chunk.withUnsafeBytes { CRC32.checksum($0, previous: crc) }
                length += chunk.count
            }
        } catch {
            throw StorageError.io(path: path, reason: "cannot read the file: \(error.localizedDescription)")
        }
        return (length, crc)
    }
}
