import CZlib

#if canImport(Glibc)
    import Glibc
#endif

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
        precondition(
            pixels.count == width * height * channels,
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
/// signed bytes, the usual heuristic; zlib compresses the filtered data and computes the chunks' CRC-32.
public enum PNGEncoder {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// zlib's compromise of speed and size (level 6).
    public static let defaultLevel: Int32 = Z_DEFAULT_COMPRESSION

    /// The PNG file bytes of `image`, compressed at zlib level `level` (0 stores, 1 fastest, 9 smallest).
    public static func encode(_ image: Image, level: Int32 = defaultLevel) -> [UInt8] {
        let colorType: UInt8 = image.channels == 1 ? 0 : image.channels == 3 ? 2 : 6
        var header = bigEndian(UInt32(image.width)) + bigEndian(UInt32(image.height))
        header += [8, colorType, 0, 0, 0]  // bit depth, color type, compression, filter, interlace
        var file = signature
        file += chunk("IHDR", header)
        file += chunk("IDAT", zlibStream(filteredRows(image), level: level))
        file += chunk("IEND", [])
        return file
    }

    /// Encodes `image` and writes it to `path`; throws ``ImageWriteError`` when the file cannot be written.
    public static func write(_ image: Image, to path: String, level: Int32 = defaultLevel) throws {
        try writeFile(encode(image, level: level), to: path)
    }

    /// The zlib stream (RFC 1950) of `input`.
    static func zlibStream(_ input: [UInt8], level: Int32) -> [UInt8] {
        precondition((-1...9).contains(level), "zlib levels are 0 to 9 (or -1 for the default), got \(level)")
        var size = compressBound(uLong(input.count))
        var output = [UInt8](repeating: 0, count: Int(size))
        let status = output.withUnsafeMutableBufferPointer { out in
            input.withUnsafeBufferPointer { source in
                compress2(out.baseAddress, &size, source.baseAddress, uLong(source.count), level)
            }
        }
        // compressBound makes room for any input, so only a lack of memory can fail here
        precondition(status == Z_OK, "zlib compress2 failed with status \(status)")
        output.removeLast(output.count - Int(size))
        return output
    }

    /// zlib's CRC-32 of `bytes`, continuing from `previous`.
    static func crc32(_ bytes: [UInt8], continuing previous: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBufferPointer { buffer in
            UInt32(crc32_z(uLong(previous), buffer.baseAddress, z_size_t(buffer.count)))
        }
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
                        let above =
                            y == 0
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
    static func filtered(
        _ row: UnsafeBufferPointer<UInt8>, _ above: UnsafeBufferPointer<UInt8>, _ i: Int, _ bpp: Int,
        _ filter: Int
    ) -> UInt8 {
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
        let crc = crc32(data, continuing: crc32(typeBytes))
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
