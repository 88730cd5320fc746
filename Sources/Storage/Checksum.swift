import CZlib

/// CRC-32 (IEEE 802.3, the polynomial of zlib and PNG) of raw bytes, computed by zlib; Python's `zlib.crc32` gives
/// the same value.
public enum CRC32 {
    /// The checksum of `bytes`, continuing from `previous` (0 to start).
    public static func checksum(_ bytes: UnsafeRawBufferPointer, previous: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return previous }
        return UInt32(crc32_z(uLong(previous), base.assumingMemoryBound(to: Bytef.self), z_size_t(bytes.count)))
    }

    /// The checksum of the in-memory (little-endian) bytes of `values`.
    public static func checksum<T>(of values: [T]) -> UInt32 {
        values.withUnsafeBytes { checksum($0) }
    }
}
