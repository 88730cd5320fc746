import CHDF5

/// A failed HDF5 operation: the file, the object inside it, what was attempted and HDF5's own reason, on one line.
///
/// Every call of the typed layer turns a negative HDF5 return value into this error; HDF5's automatic printing of
/// its error stack to standard error is turned off, and the deepest message of the stack becomes ``detail``.
public struct HDF5Error: Error, Equatable, CustomStringConvertible {
    /// Path of the file on disk.
    public let path: String
    /// Path of the object inside the file (`/` for the file itself).
    public let object: String
    /// What was attempted, e.g. `cannot open the file`.
    public let operation: String
    /// HDF5's description of the failure, or our own for checks done in Swift.
    public let detail: String

    /// An error for `object` in the file at `path`.
    public init(path: String, object: String, operation: String, detail: String) {
        self.path = path
        self.object = object
        self.operation = operation
        self.detail = detail
    }

    public var description: String {
        let what = object == "/" ? operation : "\(operation) '\(object)'"
        return detail.isEmpty ? "\(path): \(what)" : "\(path): \(what): \(detail)"
    }
}

/// Preparation and messages shared by every HDF5 call.
enum HDF5Call {
    /// Silences HDF5's error printing on the calling thread (HDF5 keeps one error stack per thread).
    static func prepare() {
        h5_silence_errors()
    }

    /// HDF5's deepest error message of the calling thread's stack (then cleared), on one line; an operating-system
    /// failure is shortened to its first clause and the system's message (e.g. `file write failed: No space left
    /// on device`).
    static func lastMessage() -> String {
        var buffer = [CChar](repeating: 0, count: 1024)
        buffer.withUnsafeMutableBufferPointer { h5_error_message($0.baseAddress, $0.count) }
        let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let line = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        guard let start = line.range(of: "error message = '"),
            let end = line[start.upperBound...].firstIndex(of: "'")
        else { return line }
        let clause = line.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
        return clause + ": " + line[start.upperBound..<end]
    }
}

extension HDF5File {
    /// Returns `id` if it is valid, else throws an ``HDF5Error`` for `object`.
    @discardableResult
    func check(_ id: hid_t, _ operation: String, _ object: String) throws -> hid_t {
        guard id >= 0 else { throw error(operation, object) }
        return id
    }

    /// Throws an ``HDF5Error`` for `object` if `status` is negative.
    func check(_ status: herr_t, _ operation: String, _ object: String) throws {
        guard status >= 0 else { throw error(operation, object) }
    }

    /// An error for `object` carrying HDF5's current message.
    func error(_ operation: String, _ object: String, detail: String? = nil) -> HDF5Error {
        let message = HDF5Call.lastMessage()
        return HDF5Error(path: path, object: object, operation: operation, detail: detail ?? message)
    }
}
