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

/// A hyperparameter's value in TensorBoard's HParams dashboard.
public enum HyperparameterValue: Equatable, Sendable {
    case number(Double)
    case text(String)
    case flag(Bool)
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
        return event(summary: summary.bytes, step: step, wallTime: wallTime)
    }

    /// An event holding the encoded `summary` at `step`.
    static func event(summary: [UInt8], step: Int64, wallTime: Double) -> [UInt8] {
        var event = ProtobufWriter()
        event.double(1, wallTime)
        event.int64(2, step)
        event.lengthDelimited(5, summary)
        return event.bytes
    }

    /// An event holding one summary value of a plugin (`text`, `hparams`): `tag`, a tensor, and the metadata naming
    /// the plugin with its `content`:
    ///
    /// ```
    /// message Value           { string tag = 1; SummaryMetadata metadata = 9; TensorProto tensor = 8; }
    /// message SummaryMetadata { PluginData plugin_data = 1; }
    /// message PluginData      { string plugin_name = 1; bytes content = 2; }
    /// message TensorProto     { DataType dtype = 1; TensorShapeProto tensor_shape = 2; repeated bytes string_val = 8; }
    /// ```
    ///
    /// The tensor is a scalar string (`DT_STRING` = 7, an empty shape) holding `text`.
    static func pluginValue(
        tag: String, plugin: String, content: [UInt8], text: String, step: Int64, wallTime: Double
    ) -> [UInt8] {
        var pluginData = ProtobufWriter()
        pluginData.lengthDelimited(1, Array(plugin.utf8))
        if !content.isEmpty { pluginData.lengthDelimited(2, content) }
        var metadata = ProtobufWriter()
        metadata.lengthDelimited(1, pluginData.bytes)
        var tensor = ProtobufWriter()
        tensor.key(1, .varint)
        tensor.varint(7)
        tensor.lengthDelimited(2, [])
        tensor.lengthDelimited(8, Array(text.utf8))
        var value = ProtobufWriter()
        value.lengthDelimited(1, Array(tag.utf8))
        value.lengthDelimited(8, tensor.bytes)
        value.lengthDelimited(9, metadata.bytes)
        var summary = ProtobufWriter()
        summary.lengthDelimited(1, value.bytes)
        return event(summary: summary.bytes, step: step, wallTime: wallTime)
    }

    /// The hparams plugin's `session_start_info` (tensorboard/plugins/hparams/api.proto, plugin_data.proto):
    ///
    /// ```
    /// message HParamsPluginData { int32 version = 1; SessionStartInfo session_start_info = 3; }
    /// message SessionStartInfo  { map<string, google.protobuf.Value> hparams = 1; double start_time_secs = 5; }
    /// message Value             { double number_value = 2; string string_value = 3; bool bool_value = 4; }
    /// ```
    static func sessionStartInfo(_ hparams: [(name: String, value: HyperparameterValue)], startTime: Double) -> [UInt8]
    {
        var info = ProtobufWriter()
        for (name, value) in hparams {
            var encoded = ProtobufWriter()
            switch value {
            case .number(let x): encoded.double(2, x)
            case .text(let s): encoded.lengthDelimited(3, Array(s.utf8))
            case .flag(let b):
                encoded.key(4, .varint)
                encoded.varint(b ? 1 : 0)
            }
            var entry = ProtobufWriter()
            entry.lengthDelimited(1, Array(name.utf8))
            entry.lengthDelimited(2, encoded.bytes)
            info.lengthDelimited(1, entry.bytes)
        }
        info.double(5, startTime)
        var data = ProtobufWriter()
        data.key(1, .varint)
        data.varint(0)
        data.lengthDelimited(3, info.bytes)
        return data.bytes
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
