import Foundation
import Storage
import Testing

/// The typed HDF5 layer: every element type round-trips exactly, errors name the file and the object.
@Suite struct HDF5Tests {
    @Test func everyDatasetTypeRoundTrips() throws {
        let path = Fixture.folder().appendingPathComponent("types.h5").path
        let doubles = (0..<600).map { Double($0) * 0.1 - 7.3 }
        let floats = (0..<30).map { Float($0) / 3 }
        let int32s: [Int32] = [-5, 0, 7, .max, .min]
        let int64s: [Int64] = [.min, -1, 0, .max]
        let uint64s: [UInt64] = [0, 1, .max, 0x9E37_79B9_7F4A_7C15]
        let bytes: [UInt8] = [0, 1, 255]
        let bools = [true, false, false, true, true, false]
        let strings = ["", "half-cheetah", "ünïcödé ✓", "a,b"]
        do {
            let file = try HDF5File(creating: path)
            try file.write(doubles, shape: [200, 3], at: "a/b/doubles")
            try file.write(floats, shape: [30], at: "floats", compression: 0)
            try file.write(int32s, shape: [5], at: "ints/int32")
            try file.write(int64s, shape: [2, 2], at: "ints/int64")
            try file.write(uint64s, shape: [4], at: "ints/uint64")
            try file.write(bytes, shape: [3], at: "bytes")
            try file.write(bools, shape: [2, 3], at: "bools")
            try file.write(strings: strings, at: "strings")
            try file.write([Double](), shape: [0, 17], at: "empty")
            try file.write([42.5], shape: [], at: "scalar")
            try file.setAttribute("seed", UInt64.max, at: "a/b/doubles")
            try file.setAttribute("name", "ünïcödé", at: "a")
            try file.setAttribute("dt", 0.05)
            try file.setAttribute("flag", true)
            try file.setAttribute("shape", [Int64(200), 3], at: "a/b/doubles")
            try file.close()
        }
        let file = try HDF5File(opening: path)
        #expect(try file.read(Double.self, at: "a/b/doubles") == (doubles, [200, 3]))
        #expect(try file.read(Float.self, at: "floats").values == floats)
        #expect(try file.read(Int32.self, at: "ints/int32").values == int32s)
        #expect(try file.read(Int64.self, at: "ints/int64") == (int64s, [2, 2]))
        #expect(try file.read(UInt64.self, at: "ints/uint64").values == uint64s)
        #expect(try file.read(UInt8.self, at: "bytes").values == bytes)
        #expect(try file.readBooleans(at: "bools") == (bools, [2, 3]))
        #expect(try file.readStrings(at: "strings") == strings)
        #expect(try file.read(Double.self, at: "empty") == ([], [0, 17]))
        #expect(try file.read(Double.self, at: "scalar") == ([42.5], []))
        #expect(try file.attribute("seed", at: "a/b/doubles", as: UInt64.self) == .max)
        #expect(try file.stringAttribute("name", at: "a") == "ünïcödé")
        #expect(try file.attribute("dt", as: Double.self) == 0.05)
        #expect(try file.boolAttribute("flag"))
        #expect(try file.attributeArray("shape", at: "a/b/doubles", as: Int64.self) == [200, 3])
        #expect(try file.children(of: "/") == ["a", "bools", "bytes", "empty", "floats", "ints", "scalar", "strings"])
        #expect(try file.attributeNames() == ["dt", "flag"])
        #expect(file.exists("a/b") && !file.exists("a/c/d") && file.isDataset("a/b/doubles") && !file.isDataset("a"))
    }

    @Test func errorsNameTheFileAndTheObject() throws {
        let folder = Fixture.folder()
        let path = folder.appendingPathComponent("e.h5").path
        let file = try HDF5File(creating: path)
        try file.write([1.0, 2.0], shape: [2], at: "x")
        let wrongType = #expect(throws: HDF5Error.self) { try file.read(Float.self, at: "x") }
        #expect(
            wrongType?.description == "\(path): unexpected element type of 'x': stored as float64, expected float32")
        let missing = #expect(throws: HDF5Error.self) { try file.read(Double.self, at: "nothing/here") }
        #expect(missing?.object == "nothing/here" && missing?.path == path)
        #expect(missing.map { !$0.detail.isEmpty && !$0.description.contains("\n") } == true)
        let attribute = #expect(throws: HDF5Error.self) { try file.attribute("nope", at: "x", as: Int64.self) }
        #expect(attribute?.description == "\(path): missing attribute 'nope' of 'x'")
        try file.close()

        let text = folder.appendingPathComponent("text.h5").path
        try "not hdf5".write(toFile: text, atomically: true, encoding: .utf8)
        let notHDF5 = #expect(throws: HDF5Error.self) { try HDF5File(opening: text) }
        #expect(notHDF5?.description.hasPrefix("\(text): cannot open the file: ") == true)
        let absent = #expect(throws: HDF5Error.self) { try HDF5File(opening: folder.path + "/absent.h5") }
        #expect(absent?.description == "\(folder.path)/absent.h5: cannot open the file: no such file")
    }

    @Test func checksumMatchesZlibCRC32() {
        // zlib.crc32(b"123456789") == 0xCBF43926 (the standard check value)
        #expect(CRC32.checksum(of: Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum(of: [UInt8]()) == 0)
    }
}
