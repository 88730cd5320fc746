import Foundation
import Testing

@testable import Viewer

/// An independent PNG decoder in Python (only `zlib` and `struct`): checks the signature, every chunk's CRC, the
/// header, the zlib stream (whose Adler-32 `zlib.decompress` verifies), undoes the five row filters and compares
/// the pixels byte for byte with the raw file. Prints `OK` or raises.
private let pythonDecoder = #"""
    import struct, sys, zlib
    png, raw, width, height, channels = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    b = open(png, 'rb').read()
    assert b[:8] == b'\x89PNG\r\n\x1a\n', 'bad signature'
    i, idat, types = 8, b'', []
    while i < len(b):
        n, = struct.unpack('>I', b[i:i+4]); t = b[i+4:i+8]; d = b[i+8:i+8+n]
        crc, = struct.unpack('>I', b[i+8+n:i+12+n])
        assert zlib.crc32(t + d) & 0xffffffff == crc, 'bad CRC in ' + t.decode()
        types.append(t.decode())
        if t == b'IHDR':
            w, h, depth, ctype, comp, filt, inter = struct.unpack('>IIBBBBB', d)
            assert (w, h, depth, comp, filt, inter) == (width, height, 8, 0, 0, 0), 'bad IHDR'
            assert ctype == {1: 0, 3: 2, 4: 6}[channels], 'bad colour type'
        if t == b'IDAT': idat += d
        i += 12 + n
    assert types[0] == 'IHDR' and types[-1] == 'IEND', types
    data = zlib.decompress(idat)
    stride = width * channels
    assert len(data) == height * (stride + 1), 'bad data length'
    prev, out = bytearray(stride), bytearray()
    for y in range(height):
        f = data[y * (stride + 1)]; row = bytearray(data[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        assert f <= 4, 'bad filter'
        for x in range(stride):
            a = row[x - channels] if x >= channels else 0; up = prev[x]; c = prev[x - channels] if x >= channels else 0
            if f == 1: row[x] = (row[x] + a) & 255
            elif f == 2: row[x] = (row[x] + up) & 255
            elif f == 3: row[x] = (row[x] + (a + up) // 2) & 255
            elif f == 4:
                p = a + up - c; pa, pb, pc = abs(p - a), abs(p - up), abs(p - c)
                row[x] = (row[x] + (a if pa <= pb and pa <= pc else up if pb <= pc else c)) & 255
        out += row; prev = row
    assert bytes(out) == open(raw, 'rb').read(), 'pixels differ'
    print('OK')
    """#

private let python = findOnPath("python3")

/// Test images: noise (incompressible), a gradient with flat areas (every filter wins somewhere), grey and RGBA.
private func sampleImages() -> [Image] {
    var state: UInt32 = 12345
    func next() -> UInt8 {
        state = state &* 1_664_525 &+ 1_013_904_223
        return UInt8(truncatingIfNeeded: state >> 24)
    }
    let noise = Image(width: 37, height: 23, pixels: (0..<37 * 23 * 3).map { _ in next() })
    let gradient = Image(
        width: 64, height: 48,
        pixels: (0..<64 * 48).flatMap { i -> [UInt8] in
            let x = i % 64, y = i / 64
            return x < 20 ? [200, 180, 40] : [UInt8(x * 4), UInt8(y * 5), UInt8((x + y) % 256)]
        })
    let grey = Image(width: 9, height: 5, channels: 1, pixels: (0..<45).map { UInt8($0 * 5) })
    let rgba = Image(width: 6, height: 7, channels: 4, pixels: (0..<168).map { _ in next() })
    return [noise, gradient, grey, rgba]
}

@Suite("PNG writer")
struct PNGTests {
    /// A picture strip puts the frames side by side, left to right, row by row.
    @Test func pictureStripTilesFramesLeftToRight() throws {
        let a = Image(width: 2, height: 2, pixels: [UInt8](repeating: 10, count: 12))
        let b = Image(width: 2, height: 2, pixels: (0..<12).map(UInt8.init))
        let strip = try #require(PictureStripSink.strip([a, b]))
        #expect(strip.width == 4 && strip.height == 2)
        #expect(Array(strip.pixel(x: 1, y: 1)) == [10, 10, 10])
        #expect(Array(strip.pixel(x: 2, y: 0)) == [0, 1, 2])
        #expect(Array(strip.pixel(x: 3, y: 1)) == [9, 10, 11])
        #expect(PictureStripSink.strip([]) == nil)
        let sink = PictureStripSink(path: "/nonexistent/strip.png")
        try sink.write(a)
        #expect(throws: ImageWriteError.self) {
            try sink.write(Image(width: 3, height: 2, pixels: [UInt8](repeating: 0, count: 18)))
        }
    }

    @Test func chunkChecksumIsZlibCRC32() {
        #expect(PNGEncoder.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(PNGEncoder.crc32([UInt8]()) == 0)
        // continuing from an earlier piece equals the checksum of both pieces at once
        #expect(PNGEncoder.crc32(Array("56789".utf8), continuing: PNGEncoder.crc32(Array("1234".utf8))) == 0xCBF4_3926)
    }

    @Test(
        .enabled(if: python != nil, "python3 not on PATH: the independent PNG decoder cannot run"),
        arguments: [Int32(0), 1, PNGEncoder.defaultLevel, 9])
    func independentDecoderAcceptsFilesAndPixelsRoundTrip(level: Int32) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let script = folder + "/decode.py"
        try pythonDecoder.write(toFile: script, atomically: true, encoding: .utf8)
        for (index, image) in sampleImages().enumerated() {
            let png = folder + "/\(index).png", raw = folder + "/\(index).raw"
            try PNGEncoder.write(image, to: png, level: level)
            try Data(image.pixels).write(to: URL(fileURLWithPath: raw))
            let result = try runProcess(
                python ?? "",
                [
                    script, png, raw, "\(image.width)", "\(image.height)",
                    "\(image.channels)",
                ])
            #expect(result.status == 0 && result.output.hasPrefix("OK"), "image \(index): \(result.output)")
        }
    }

    @Test func compressionShrinksFlatImagesAndLevelZeroStores() {
        let flat = Image(
            width: 200, height: 100,
            pixels: (0..<200 * 100).flatMap { i -> [UInt8] in
                i % 200 < 100 ? [30, 60, 90] : [200, 200, 200]
            })
        let raw = flat.pixels.count
        let compressed = PNGEncoder.encode(flat).count
        let stored = PNGEncoder.encode(flat, level: 0).count
        #expect(compressed * 50 < raw, "default level: \(compressed) bytes for \(raw) raw bytes")
        // stored: raw + one filter byte per row + 5 bytes per block + zlib and PNG framing
        #expect(stored > raw && stored < raw + flat.height + 200)
    }

    @Test func filterChoiceIsPerRowAndPaethFollowsTheSpecification() {
        #expect(PNGEncoder.paeth(10, 20, 15) == 15)  // p = 15: closest is c = 15
        #expect(PNGEncoder.paeth(10, 20, 10) == 20)  // p = 20
        #expect(PNGEncoder.paeth(10, 20, 20) == 10)  // p = 10
        // identical rows of a horizontal ramp: Sub wins the first row (constant residual 30), Up the rest (zero)
        let ramp = Image(width: 8, height: 4, channels: 1, pixels: (0..<32).map { UInt8(($0 % 8) * 30 + 3) })
        let rampRows = PNGEncoder.filteredRows(ramp)
        #expect(rampRows.count == 4 * 9)
        #expect([rampRows[0], rampRows[9], rampRows[18], rampRows[27]] == [1, 2, 2, 2])
        // constant rows rising by 40: Up leaves 40 in every byte, Paeth only in the first byte of each row
        let steps = Image(width: 8, height: 4, channels: 1, pixels: (0..<32).map { UInt8(($0 / 8) * 40 + 3) })
        let stepRows = PNGEncoder.filteredRows(steps)
        #expect([stepRows[9], stepRows[18], stepRows[27]] == [4, 4, 4])
        #expect(Array(stepRows[10..<18]) == [40, 0, 0, 0, 0, 0, 0, 0])
    }
}
