/// A small DEFLATE (RFC 1951) compressor and the zlib (RFC 1950) container around it.
///
/// Two modes: stored blocks (no compression, the simplest valid stream) and one fixed-Huffman block with greedy
/// LZ77 matching over a 32 KiB window (hash chains on 3-byte prefixes). Rendered frames, once PNG-filtered, are
/// long runs of near-identical bytes, which this compresses 5–20× at a fraction of zlib's code size.
public enum Deflate {
    /// How the DEFLATE stream is built.
    public enum Mode: Sendable {
        /// Stored (uncompressed) blocks of at most 65,535 bytes.
        case stored
        /// One block with the fixed Huffman code and greedy LZ77 matches.
        case fixedHuffman
    }

    /// The zlib stream of `input`: 2-byte header, DEFLATE data, Adler-32 of `input` (big-endian).
    public static func zlib(_ input: [UInt8], mode: Mode = .fixedHuffman) -> [UInt8] {
        // CMF 0x78: deflate with a 32 KiB window; FLG 0x01 makes the 16-bit header a multiple of 31
        var output: [UInt8] = [0x78, 0x01]
        switch mode {
        case .stored: output += stored(input)
        case .fixedHuffman: output += fixedHuffman(input)
        }
        let adler = Checksum.adler32(input)
        output += [UInt8(adler >> 24), UInt8((adler >> 16) & 0xFF), UInt8((adler >> 8) & 0xFF), UInt8(adler & 0xFF)]
        return output
    }

    /// Raw DEFLATE data made of stored blocks.
    public static func stored(_ input: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(input.count + 5 * (input.count / 65_535 + 1))
        var start = 0
        repeat {
            let length = min(65_535, input.count - start)
            let final: UInt8 = start + length == input.count ? 1 : 0
            output.append(final)  // BFINAL, BTYPE = 00, padded to the byte
            output += [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF)]
            output += input[start..<start + length]
            start += length
        } while start < input.count
        return output
    }

    /// Raw DEFLATE data: one final block coded with the fixed Huffman tables (RFC 1951 §3.2.6).
    public static func fixedHuffman(_ input: [UInt8]) -> [UInt8] {
        var writer = BitWriter(capacity: input.count / 2 + 64)
        writer.write(1, count: 1)  // BFINAL
        writer.write(1, count: 2)  // BTYPE = 01 (fixed Huffman)
        var matcher = Matcher(count: input.count)
        input.withUnsafeBufferPointer { bytes in
            var i = 0
            while i < bytes.count {
                let (length, distance) = matcher.longestMatch(bytes, at: i)
                if length >= Matcher.minimumLength {
                    writeMatch(length: length, distance: distance, to: &writer)
                    // like zlib's fast levels, only short matches have every position indexed
                    let indexed = length <= Matcher.maximumInsertLength ? length : 1
                    for k in i..<i + indexed { matcher.insert(bytes, at: k) }
                    i += length
                } else {
                    writeLiteralOrLength(Int(bytes[i]), to: &writer)
                    matcher.insert(bytes, at: i)
                    i += 1
                }
            }
        }
        writeLiteralOrLength(256, to: &writer)  // end of block
        return writer.finish()
    }

    // MARK: - Huffman coding

    static let lengthBase: [Int] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83,
                                    99, 115, 131, 163, 195, 227, 258]
    static let lengthExtraBits: [Int] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5,
                                         5, 5, 0]
    static let distanceBase: [Int] = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769,
                                      1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    static let distanceExtraBits: [Int] = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10,
                                           11, 11, 12, 12, 13, 13]

    /// Writes literal/length symbol `symbol` (0…287) with its fixed code, most significant code bit first.
    @inline(__always)
    static func writeLiteralOrLength(_ symbol: Int, to writer: inout BitWriter) {
        let code: Int, bits: Int
        switch symbol {
        case 0...143: (code, bits) = (0x30 + symbol, 8)
        case 144...255: (code, bits) = (0x190 + symbol - 144, 9)
        case 256...279: (code, bits) = (symbol - 256, 7)
        default: (code, bits) = (0xC0 + symbol - 280, 8)
        }
        writer.write(reverse(code, bits: bits), count: bits)
    }

    /// Writes a (length 3…258, distance 1…32768) back-reference.
    static func writeMatch(length: Int, distance: Int, to writer: inout BitWriter) {
        var l = lengthBase.count - 1
        while lengthBase[l] > length { l -= 1 }
        writeLiteralOrLength(257 + l, to: &writer)
        writer.write(UInt64(length - lengthBase[l]), count: lengthExtraBits[l])
        var d = distanceBase.count - 1
        while distanceBase[d] > distance { d -= 1 }
        writer.write(reverse(d, bits: 5), count: 5)
        writer.write(UInt64(distance - distanceBase[d]), count: distanceExtraBits[d])
    }

    /// `code`'s low `bits` bits in reverse order (Huffman codes are packed starting from their top bit).
    @inline(__always)
    static func reverse(_ code: Int, bits: Int) -> UInt64 {
        var result: UInt64 = 0
        var value = code
        for _ in 0..<bits {
            result = (result << 1) | UInt64(value & 1)
            value >>= 1
        }
        return result
    }
}

/// Packs bit fields least significant bit first, as DEFLATE requires.
struct BitWriter {
    private(set) var bytes: [UInt8] = []
    private var buffer: UInt64 = 0
    private var count = 0

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    /// Appends the low `count` bits of `value` (count ≤ 32).
    @inline(__always)
    mutating func write(_ value: UInt64, count bitCount: Int) {
        buffer |= value << UInt64(count)
        count += bitCount
        while count >= 8 {
            bytes.append(UInt8(truncatingIfNeeded: buffer))
            buffer >>= 8
            count -= 8
        }
    }

    /// The bytes written, the last one padded with zero bits.
    mutating func finish() -> [UInt8] {
        if count > 0 { bytes.append(UInt8(truncatingIfNeeded: buffer)) }
        buffer = 0
        count = 0
        return bytes
    }
}

/// Greedy LZ77 match finder: hash chains over 3-byte prefixes within a 32 KiB window.
struct Matcher {
    static let minimumLength = 3
    static let maximumLength = 258
    static let window = 32_768
    static let hashBits = 15
    /// Candidates tried per position: enough for rendered images, bounded for speed.
    static let maximumChain = 16
    /// Longest match whose every position is added to the hash chains.
    static let maximumInsertLength = 32

    private var head: [Int32]
    private var previous: [Int32]

    init(count: Int) {
        head = [Int32](repeating: -1, count: 1 << Self.hashBits)
        previous = [Int32](repeating: -1, count: Self.window)
    }

    @inline(__always)
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        let key = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
        return Int((key &* 2_654_435_761) >> UInt32(32 - hashBits))
    }

    /// Records position `i` in its hash chain.
    @inline(__always)
    mutating func insert(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) {
        guard i + 2 < bytes.count else { return }
        let h = Self.hash(bytes, i)
        previous[i & (Self.window - 1)] = head[h]
        head[h] = Int32(i)
    }

    /// The longest earlier match for the bytes at `i`: (length, distance); length 0 when none.
    func longestMatch(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> (Int, Int) {
        guard i + 2 < bytes.count else { return (0, 0) }
        let limit = min(Self.maximumLength, bytes.count - i)
        var candidate = Int(head[Self.hash(bytes, i)])
        var best = 0, bestDistance = 0, tries = 0
        while candidate >= 0 && i - candidate <= Self.window && tries < Self.maximumChain {
            if bytes[candidate + best] == bytes[i + best] {
                var length = 0
                while length < limit && bytes[candidate + length] == bytes[i + length] { length += 1 }
                if length > best {
                    (best, bestDistance) = (length, i - candidate)
                    if length == limit { break }
                }
            }
            let next = Int(previous[candidate & (Self.window - 1)])
            // a chain entry older than the window may have been overwritten by a newer position
            if next >= candidate { break }
            candidate = next
            tries += 1
        }
        return (best, bestDistance)
    }
}
