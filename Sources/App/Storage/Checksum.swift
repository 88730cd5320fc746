/// CRC-32 (IEEE 802.3, the polynomial of zlib and PNG) of raw bytes; Python's `zlib.crc32` gives the same value.
public enum CRC32 {
    static let table: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// The checksum of `bytes`, continuing from `previous` (0 to start).
    public static func checksum(_ bytes: UnsafeRawBufferPointer, previous: UInt32 = 0) -> UInt32 {
        var c = ~previous
        table.withUnsafeBufferPointer { t in
            for byte in bytes { c = t[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8) }
        }
        return ~c
    }

    /// The checksum of the in-memory (little-endian) bytes of `values`.
    public static func checksum<T>(of values: [T]) -> UInt32 {
        values.withUnsafeBytes { checksum($0) }
    }
}
