import CHDF5

extension HDF5File {
    /// Throws unless the root attributes say this is an mbmpo `kind` of format `format` and version `version`.
    func checkFormat(_ format: String, version: Int64, kind: String) throws {
        guard hasAttribute("format"), (try? stringAttribute("format")) == format else {
            throw StorageError.malformed(path: path, reason: "not an mbmpo \(kind) (no format attribute '\(format)')")
        }
        let found = try attribute("format_version", as: Int64.self)
        guard found == version else { throw StorageError.version(path: path, found: found, expected: version) }
    }

    /// Sets the attribute `name` of `object` (a group or dataset; `/` is the root) to a scalar number,
    /// replacing any previous value.
    public func setAttribute<T: HDF5Element>(_ name: String, _ value: T, at object: String = "/") throws {
        try setAttributeRaw(name, [value], shape: [], type: T.hdf5Type, at: object)
    }

    /// Sets the attribute `name` of `object` to a one-dimensional array of numbers.
    public func setAttribute<T: HDF5Element>(_ name: String, _ values: [T], at object: String = "/") throws {
        try setAttributeRaw(name, values, shape: [values.count], type: T.hdf5Type, at: object)
    }

    /// Sets the attribute `name` of `object` to a variable-length UTF-8 string (h5py reads it as `str`).
    public func setAttribute(_ name: String, _ value: String, at object: String = "/") throws {
        HDF5Call.prepare()
        let type = try stringType()
        defer { H5Tclose(type) }
        try withCStrings([value]) { pointers in
            try setAttributeRaw(name, pointers, shape: [], type: type, at: object)
        }
    }

    /// Sets the attribute `name` of `object` to a boolean (enum {FALSE, TRUE}, numpy `bool` in h5py).
    public func setAttribute(_ name: String, _ value: Bool, at object: String = "/") throws {
        let type = try booleanType()
        defer { H5Tclose(type) }
        try setAttributeRaw(name, [Int8(value ? 1 : 0)], shape: [], type: type, at: object)
    }

    /// Whether `object` has an attribute `name`.
    public func hasAttribute(_ name: String, at object: String = "/") -> Bool {
        HDF5Call.prepare()
        let result = H5Aexists_by_name(id, object, name, h5p_default())
        if result < 0 { H5Eclear2(h5e_default()) }
        return result > 0
    }

    /// Names of the attributes of `object`, in name order.
    public func attributeNames(at object: String = "/") throws -> [String] {
        HDF5Call.prepare()
        let handle = try check(H5Oopen(id, object, h5p_default()), "cannot open", object)
        defer { H5Oclose(handle) }
        var info = H5O_info_t()
        try check(H5Oget_info2(handle, &info, UInt32(H5O_INFO_NUM_ATTRS)), "cannot inspect", object)
        return (0..<info.num_attrs).map { index in
            let length = H5Aget_name_by_idx(handle, ".", H5_INDEX_NAME, H5_ITER_INC, index, nil, 0, h5p_default())
            var buffer = [CChar](repeating: 0, count: max(Int(length), 0) + 1)
            H5Aget_name_by_idx(handle, ".", H5_INDEX_NAME, H5_ITER_INC, index, &buffer, buffer.count, h5p_default())
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    /// The scalar numeric attribute `name` of `object`; its stored type must be exactly `T`.
    public func attribute<T: HDF5Element>(_ name: String, at object: String = "/", as type: T.Type) throws -> T {
        let values = try attributeArray(name, at: object, as: type)
        guard values.count == 1 else {
            throw error(
                "unexpected shape of attribute '\(name)' of", object,
                detail: "\(values.count) values, expected 1")
        }
        return values[0]
    }

    /// The numeric attribute `name` of `object` as a flat array; its stored type must be exactly `T`.
    public func attributeArray<T: HDF5Element>(
        _ name: String, at object: String = "/", as type: T.Type
    ) throws
        -> [T]
    {
        try withAttribute(name, at: object) { attribute, count in
            let stored = try check(H5Aget_type(attribute), "cannot read the type of attribute '\(name)' of", object)
            defer { H5Tclose(stored) }
            guard storedType(stored, matches: T.self) else {
                throw error(
                    "unexpected type of attribute '\(name)' of", object,
                    detail: "stored as \(describeType(stored)), expected \(T.typeName)")
            }
            var values = [T](repeating: T.zeroValue, count: count)
            try check(
                values.withUnsafeMutableBytes { H5Aread(attribute, T.hdf5Type, $0.baseAddress) },
                "cannot read attribute '\(name)' of", object)
            return values
        }
    }

    /// The string attribute `name` of `object` (variable- or fixed-length).
    public func stringAttribute(_ name: String, at object: String = "/") throws -> String {
        try withAttribute(name, at: object) { attribute, _ in
            let stored = try check(H5Aget_type(attribute), "cannot read the type of attribute '\(name)' of", object)
            defer { H5Tclose(stored) }
            guard H5Tget_class(stored) == H5T_STRING else {
                throw error(
                    "unexpected type of attribute '\(name)' of", object,
                    detail: "stored as \(describeType(stored)), expected string")
            }
            if H5Tis_variable_str(stored) > 0 {
                var pointer: UnsafeMutablePointer<CChar>?
                try check(H5Aread(attribute, stored, &pointer), "cannot read attribute '\(name)' of", object)
                defer { H5free_memory(pointer) }
                return pointer.map { String(cString: $0) } ?? ""
            }
            var bytes = [UInt8](repeating: 0, count: H5Tget_size(stored))
            try check(
                bytes.withUnsafeMutableBytes { H5Aread(attribute, stored, $0.baseAddress) },
                "cannot read attribute '\(name)' of", object)
            return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// The boolean attribute `name` of `object`.
    public func boolAttribute(_ name: String, at object: String = "/") throws -> Bool {
        try withAttribute(name, at: object) { attribute, _ in
            let type = try booleanType()
            defer { H5Tclose(type) }
            var value: Int8 = 0
            try check(H5Aread(attribute, type, &value), "cannot read attribute '\(name)' of", object)
            return value != 0
        }
    }

    // MARK: internals

    func setAttributeRaw<T>(_ name: String, _ values: [T], shape: [Int], type: hid_t, at object: String) throws {
        HDF5Call.prepare()
        let handle = try check(H5Oopen(id, object, h5p_default()), "cannot open", object)
        defer { H5Oclose(handle) }
        if H5Aexists(handle, name) > 0 {
            try check(H5Adelete(handle, name), "cannot replace attribute '\(name)' of", object)
        }
        var dims = shape.map { hsize_t($0) }
        let space = shape.isEmpty ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &dims, nil)
        try check(space, "cannot create the dataspace of attribute '\(name)' of", object)
        defer { H5Sclose(space) }
        let attribute = try check(
            H5Acreate2(handle, name, type, space, h5p_default(), h5p_default()),
            "cannot create attribute '\(name)' of", object)
        defer { H5Aclose(attribute) }
        guard !values.isEmpty else { return }
        try check(
            values.withUnsafeBytes { H5Awrite(attribute, type, $0.baseAddress) },
            "cannot write attribute '\(name)' of", object)
    }

    /// Opens attribute `name` of `object` and calls `body` with it and its element count.
    func withAttribute<R>(_ name: String, at object: String, _ body: (hid_t, Int) throws -> R) throws -> R {
        HDF5Call.prepare()
        guard hasAttribute(name, at: object) else {
            throw HDF5Error(path: path, object: object, operation: "missing attribute '\(name)' of", detail: "")
        }
        let attribute = try check(
            H5Aopen_by_name(id, object, name, h5p_default(), h5p_default()),
            "cannot open attribute '\(name)' of", object)
        defer { H5Aclose(attribute) }
        let space = try check(H5Aget_space(attribute), "cannot read attribute '\(name)' of", object)
        defer { H5Sclose(space) }
        let count = Int(H5Sget_simple_extent_npoints(space))
        return try body(attribute, count)
    }
}
