/// Hand-written protobuf encoding of the parts of TensorFlow's `Event` message that scalar summaries use
/// (tensorflow/core/util/event.proto, tensorflow/core/framework/summary.proto):
///
/// ```
/// message Event   { double wall_time = 1; int64 step = 2; oneof what { string file_version = 3; Summary summary = 5; } }
/// message Summary { repeated Value value = 1; }
/// message Value   { string tag = 1; float simple_value = 2; }
/// ```
struct ProtobufWriter {
    /// The encoded message so far.
    private(set) var bytes: [UInt8] = []

    /// Wire types used here.
    enum WireType: UInt8 {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case fixed32 = 5
    }

    /// Base-128 varint, least significant group first.
    mutating func varint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    /// Field key: (number << 3) | wire type.
    mutating func key(_ field: UInt64, _ type: WireType) {
        varint(field << 3 | UInt64(type.rawValue))
    }

    /// A `double` field (fixed64, little-endian IEEE 754).
    mutating func double(_ field: UInt64, _ value: Double) {
        key(field, .fixed64)
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// A `float` field (fixed32, little-endian IEEE 754).
    mutating func float(_ field: UInt64, _ value: Float) {
        key(field, .fixed32)
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// An `int64` field (varint of the two's-complement bits).
    mutating func int64(_ field: UInt64, _ value: Int64) {
        key(field, .varint)
        varint(UInt64(bitPattern: value))
    }

    /// A `bytes`, `string` or embedded-message field.
    mutating func lengthDelimited(_ field: UInt64, _ payload: [UInt8]) {
        key(field, .lengthDelimited)
        varint(UInt64(payload.count))
        bytes.append(contentsOf: payload)
    }
}

/// The `Event` messages a TensorBoard scalar log holds.
enum TensorBoardEvent {
    /// The first record of every event file: `file_version: "brain.Event:2"`.
    static func fileVersion(wallTime: Double) -> [UInt8] {
        var event = ProtobufWriter()
        event.double(1, wallTime)
        event.lengthDelimited(3, Array("brain.Event:2".utf8))
        return event.bytes
    }

    /// An event with one `simple_value` per (tag, value), all at `step`.
    static func scalars(_ values: [(tag: String, value: Double)], step: Int64, wallTime: Double) -> [UInt8] {
        var summary = ProtobufWriter()
        for (tag, value) in values {
            var entry = ProtobufWriter()
            entry.lengthDelimited(1, Array(tag.utf8))
            entry.float(2, Float(value))
            summary.lengthDelimited(1, entry.bytes)
        }
        var event = ProtobufWriter()
        event.double(1, wallTime)
        event.int64(2, step)
        event.lengthDelimited(5, summary.bytes)
        return event.bytes
    }

    /// One TFRecord: length (uint64 LE), masked CRC-32C of the length, data, masked CRC-32C of the data.
    static func record(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(data.count + 16)
        let length = withUnsafeBytes(of: UInt64(data.count).littleEndian) { Array($0) }
        out.append(contentsOf: length)
        withUnsafeBytes(of: CRC32C.masked(length).littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: data)
        withUnsafeBytes(of: CRC32C.masked(data).littleEndian) { out.append(contentsOf: $0) }
        return out
    }
}
