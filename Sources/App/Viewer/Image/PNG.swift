#if canImport(Glibc)
    import Glibc
#endif

/// The two checksums PNG needs.
public enum Checksum {
    /// CRC-32 lookup table for the reflected polynomial 0xEDB88320 (ISO 3309, as PNG and zlib use).
    static let crcTable: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// CRC-32 of `bytes`, continuing from `crc` (pass the previous result to checksum data in pieces).
    /// `crc32(Array("123456789".utf8)) == 0xCBF43926`.
    public static func crc32<C: Collection>(_ bytes: C, continuing crc: UInt32 = 0) -> UInt32 where C.Element == UInt8 {
        var c = ~crc
        for byte in bytes { c = crcTable[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8) }
        return ~c
    }

    /// Adler-32 of `bytes` (RFC 1950): (B << 16) | A with A = 1 + Σ bytes, B = Σ A, both mod 65521.
    /// `adler32(Array("Wikipedia".utf8)) == 0x11E60398`.
    public static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        var index = 0
        // 5552 bytes is the longest run whose sums cannot overflow 32 bits before the modulo
        while index < bytes.count {
            let end = min(index + 5552, bytes.count)
            for i in index..<end {
                a &+= UInt32(bytes[i])
                b &+= a
            }
            a %= 65_521
            b %= 65_521
            index = end
        }
        return (b << 16) | a
    }
}

/// An 8-bit image: `height` rows of `width` pixels of `channels` bytes, top row first.
public struct Image: Equatable, Sendable {
    public var width: Int
    public var height: Int
    /// 1 grey, 3 RGB, 4 RGBA.
    public var channels: Int
    /// Pixel bytes (height × width × channels), rows top to bottom.
    public var pixels: [UInt8]

    /// An image over existing pixel bytes.
    public init(width: Int, height: Int, channels: Int = 3, pixels: [UInt8]) {
        precondition([1, 3, 4].contains(channels), "channels must be 1, 3 or 4, got \(channels)")
        precondition(pixels.count == width * height * channels,
                     "\(width)×\(height)×\(channels) image needs \(width * height * channels) bytes, "
                        + "got \(pixels.count)")
        (self.width, self.height, self.channels, self.pixels) = (width, height, channels, pixels)
    }

    /// The bytes of pixel (x, y), y counted from the top.
    public func pixel(x: Int, y: Int) -> ArraySlice<UInt8> {
        let start = (y * width + x) * channels
        return pixels[start..<start + channels]
    }
}

/// Writes PNG files (RFC 2083): IHDR, one IDAT holding the zlib stream of the filtered rows, IEND.
///
/// Each row gets the filter (None, Sub, Up, Average or Paeth) whose output has the smallest sum of absolute
/// signed bytes, the usual heuristic; the filtered data is compressed with ``Deflate``.
public enum PNGEncoder {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// The PNG file bytes of `image`.
    public static func encode(_ image: Image, mode: Deflate.Mode = .fixedHuffman) -> [UInt8] {
        let colorType: UInt8 = image.channels == 1 ? 0 : image.channels == 3 ? 2 : 6
        var header = bigEndian(UInt32(image.width)) + bigEndian(UInt32(image.height))
        header += [8, colorType, 0, 0, 0]  // bit depth, color type, compression, filter, interlace
        var file = signature
        file += chunk("IHDR", header)
        file += chunk("IDAT", Deflate.zlib(filteredRows(image), mode: mode))
        file += chunk("IEND", [])
        return file
    }

    /// Encodes `image` and writes it to `path`; throws ``ImageWriteError`` when the file cannot be written.
    public static func write(_ image: Image, to path: String, mode: Deflate.Mode = .fixedHuffman) throws {
        try writeFile(encode(image, mode: mode), to: path)
    }

    /// Every row prefixed with its filter-type byte and filtered.
    static func filteredRows(_ image: Image) -> [UInt8] {
        let stride = image.width * image.channels, bpp = image.channels
        let zeroRow = [UInt8](repeating: 0, count: stride)
        return [UInt8](unsafeUninitializedCapacity: (stride + 1) * image.height) { output, count in
            image.pixels.withUnsafeBufferPointer { pixels in
                zeroRow.withUnsafeBufferPointer { zeros in
                    for y in 0..<image.height {
                        let row = UnsafeBufferPointer(rebasing: pixels[y * stride..<(y + 1) * stride])
                        let above = y == 0
                            ? zeros : UnsafeBufferPointer(rebasing: pixels[(y - 1) * stride..<y * stride])
                        // score every filter, stopping early once it cannot win, then write the winner
                        var bestFilter = 0, bestScore = Int.max
                        for filter in 0..<5 {
                            var score = 0
                            for i in 0..<stride where score < bestScore {
                                let residual = Int8(bitPattern: filtered(row, above, i, bpp, filter))
                                score += Int(residual.magnitude)
                            }
                            if score < bestScore { (bestFilter, bestScore) = (filter, score) }
                        }
                        let start = y * (stride + 1)
                        output[start] = UInt8(bestFilter)
                        for i in 0..<stride { output[start + 1 + i] = filtered(row, above, i, bpp, bestFilter) }
                    }
                }
            }
            count = (stride + 1) * image.height
        }
    }

    /// Byte `i` of `row` minus its prediction under PNG filter `filter` (0 None, 1 Sub, 2 Up, 3 Average, 4 Paeth).
    @inline(__always)
    static func filtered(_ row: UnsafeBufferPointer<UInt8>, _ above: UnsafeBufferPointer<UInt8>, _ i: Int, _ bpp: Int,
                         _ filter: Int) -> UInt8 {
        let a = i >= bpp ? Int(row[i - bpp]) : 0
        let b = Int(above[i])
        let predictor: Int
        switch filter {
        case 0: predictor = 0
        case 1: predictor = a
        case 2: predictor = b
        case 3: predictor = (a + b) / 2
        default: predictor = paeth(a, b, i >= bpp ? Int(above[i - bpp]) : 0)
        }
        return UInt8(truncatingIfNeeded: Int(row[i]) - predictor)
    }

    /// The Paeth predictor: whichever of left, above, upper-left is closest to left + above − upper-left.
    @inline(__always)
    static func paeth(_ a: Int, _ b: Int, _ c: Int) -> Int {
        let p = a + b - c
        let pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
        if pa <= pb && pa <= pc { return a }
        return pb <= pc ? b : c
    }

    /// length (4 bytes), type, data, CRC-32 of type and data.
    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        let crc = Checksum.crc32(data, continuing: Checksum.crc32(typeBytes))
        return bigEndian(UInt32(data.count)) + typeBytes + data + bigEndian(crc)
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
}

/// A file that could not be written.
public struct ImageWriteError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "cannot write '\(path)': \(reason)" }
}

/// Writes `bytes` to `path` (created or truncated) with POSIX calls.
func writeFile(_ bytes: [UInt8], to path: String) throws {
    guard let file = fopen(path, "wb") else {
        throw ImageWriteError(path: path, reason: String(cString: strerror(errno)))
    }
    let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
    let closed = fclose(file)
    guard written == bytes.count, closed == 0 else {
        throw ImageWriteError(path: path, reason: String(cString: strerror(errno)))
    }
}
