import CHDF5

/// A numeric element type that maps one-to-one onto a native HDF5 type (no conversion on read or write).
public protocol HDF5Element {
    /// The native HDF5 type id (valid after `H5open`, which the type functions call).
    static var hdf5Type: hid_t { get }
    /// Name for messages and docs, as numpy spells it (`float64`, `int32`, …).
    static var typeName: String { get }
    /// The zero value (fills buffers before reads).
    static var zeroValue: Self { get }
}

extension Double: HDF5Element {
    public static var hdf5Type: hid_t { h5_native_double() }
    public static var typeName: String { "float64" }
    public static var zeroValue: Double { 0 }
}

extension Float: HDF5Element {
    public static var hdf5Type: hid_t { h5_native_float() }
    public static var typeName: String { "float32" }
    public static var zeroValue: Float { 0 }
}

extension Int32: HDF5Element {
    public static var hdf5Type: hid_t { h5_native_int32() }
    public static var typeName: String { "int32" }
    public static var zeroValue: Int32 { 0 }
}

extension Int64: HDF5Element {
    public static var hdf5Type: hid_t { h5_native_int64() }
    public static var typeName: String { "int64" }
    public static var zeroValue: Int64 { 0 }
}

extension UInt64: HDF5Element {
    public static var hdf5Type: hid_t { h5_native_uint64() }
    public static var typeName: String { "uint64" }
    public static var zeroValue: UInt64 { 0 }
}

extension UInt8: HDF5Element {
    public static var hdf5Type: hid_t { h5_native_uint8() }
    public static var typeName: String { "uint8" }
    public static var zeroValue: UInt8 { 0 }
}

/// Whether the stored type `stored` holds exactly `T` (same class, size and signedness).
func storedType(_ stored: hid_t, matches type: (some HDF5Element).Type) -> Bool {
    let native = type.hdf5Type
    return H5Tget_class(stored) == H5Tget_class(native) && H5Tget_size(stored) == H5Tget_size(native)
        && (H5Tget_class(native) != H5T_INTEGER || H5Tget_sign(stored) == H5Tget_sign(native))
}

/// A short numpy-style name of a stored type, for messages.
func describeType(_ stored: hid_t) -> String {
    let size = H5Tget_size(stored) * 8
    switch H5Tget_class(stored) {
    case H5T_FLOAT: return "float\(size)"
    case H5T_INTEGER: return H5Tget_sign(stored) == H5T_SGN_NONE ? "uint\(size)" : "int\(size)"
    case H5T_ENUM: return "enum"
    case H5T_STRING: return "string"
    default: return "an unsupported type"
    }
}

extension UInt32: HDF5Element {
    public static var hdf5Type: hid_t { h5_native_uint32() }
    public static var typeName: String { "uint32" }
    public static var zeroValue: UInt32 { 0 }
}
