import CHDF5

extension HDF5File {
    /// Writes `values` as a new dataset of `shape` (row-major) at `object`.
    ///
    /// Datasets with at least one dimension are chunked along the first (about 64 KiB per chunk, first dimension
    /// unlimited so readers may append) and, with `compression` 1…9, shuffled and deflated at that level.
    public func write<T: HDF5Element>(_ values: [T], shape: [Int], at object: String, compression: Int = 4) throws {
        try writeRaw(
            values, shape: shape, memoryType: T.hdf5Type, fileType: T.hdf5Type, at: object,
            compression: compression)
    }

    /// Writes booleans as an HDF5 enum {FALSE = 0, TRUE = 1} over int8, the type h5py reads as numpy `bool`.
    public func write(_ values: [Bool], shape: [Int], at object: String, compression: Int = 4) throws {
        let type = try booleanType()
        defer { H5Tclose(type) }
        try writeRaw(
            values.map { Int8($0 ? 1 : 0) }, shape: shape, memoryType: type, fileType: type, at: object,
            compression: compression)
    }

    /// Writes UTF-8 strings as a one-dimensional dataset of variable-length strings.
    public func write(strings: [String], at object: String) throws {
        HDF5Call.prepare()
        let type = try stringType()
        defer { H5Tclose(type) }
        try withCStrings(strings) { pointers in
            try writeRaw(
                pointers, shape: [strings.count], memoryType: type, fileType: type, at: object,
                compression: 0)
        }
    }

    /// The shape of the dataset at `object`.
    public func shape(of object: String) throws -> [Int] {
        HDF5Call.prepare()
        let dataset = try check(H5Dopen2(id, object, h5p_default()), "cannot open the dataset", object)
        defer { H5Dclose(dataset) }
        return try datasetShape(dataset, object)
    }

    /// Reads the dataset at `object`; its stored type must be exactly `T`.
    public func read<T: HDF5Element>(_ type: T.Type, at object: String) throws -> (values: [T], shape: [Int]) {
        HDF5Call.prepare()
        let dataset = try check(H5Dopen2(id, object, h5p_default()), "cannot open the dataset", object)
        defer { H5Dclose(dataset) }
        let stored = try check(H5Dget_type(dataset), "cannot read the type of", object)
        defer { H5Tclose(stored) }
        guard storedType(stored, matches: T.self) else {
            throw error(
                "unexpected element type of", object,
                detail: "stored as \(describeType(stored)), expected \(T.typeName)")
        }
        let shape = try datasetShape(dataset, object)
        var values = [T](repeating: T.zeroValue, count: shape.reduce(1, *))
        if !values.isEmpty {
            try check(
                values.withUnsafeMutableBytes {
                    H5Dread(dataset, T.hdf5Type, h5s_all(), h5s_all(), h5p_default(), $0.baseAddress)
                }, "cannot read the dataset", object)
        }
        return (values, shape)
    }

    /// Reads a boolean (enum or integer 0/1) dataset.
    public func readBooleans(at object: String) throws -> (values: [Bool], shape: [Int]) {
        HDF5Call.prepare()
        let dataset = try check(H5Dopen2(id, object, h5p_default()), "cannot open the dataset", object)
        defer { H5Dclose(dataset) }
        let stored = try check(H5Dget_type(dataset), "cannot read the type of", object)
        defer { H5Tclose(stored) }
        guard H5Tget_class(stored) == H5T_ENUM || H5Tget_class(stored) == H5T_INTEGER, H5Tget_size(stored) == 1
        else {
            throw error(
                "unexpected element type of", object, detail: "stored as \(describeType(stored)), expected bool")
        }
        let shape = try datasetShape(dataset, object)
        var raw = [Int8](repeating: 0, count: shape.reduce(1, *))
        if !raw.isEmpty {
            let memory = H5Tget_class(stored) == H5T_ENUM ? try booleanType() : H5Tcopy(h5_native_int8())
            defer { H5Tclose(memory) }
            try check(
                raw.withUnsafeMutableBytes {
                    H5Dread(dataset, memory, h5s_all(), h5s_all(), h5p_default(), $0.baseAddress)
                }, "cannot read the dataset", object)
        }
        return (raw.map { $0 != 0 }, shape)
    }

    /// Reads a one-dimensional dataset of variable-length strings.
    public func readStrings(at object: String) throws -> [String] {
        HDF5Call.prepare()
        let dataset = try check(H5Dopen2(id, object, h5p_default()), "cannot open the dataset", object)
        defer { H5Dclose(dataset) }
        let count = try datasetShape(dataset, object).reduce(1, *)
        let type = try stringType()
        defer { H5Tclose(type) }
        var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
        guard count > 0 else { return [] }
        try check(
            pointers.withUnsafeMutableBytes {
                H5Dread(dataset, type, h5s_all(), h5s_all(), h5p_default(), $0.baseAddress)
            }, "cannot read the strings of", object)
        defer { for p in pointers { H5free_memory(p) } }
        return pointers.map { $0.map { String(cString: $0) } ?? "" }
    }

    // MARK: internals

    func writeRaw<T>(
        _ values: [T], shape: [Int], memoryType: hid_t, fileType: hid_t, at object: String,
        compression: Int
    ) throws {
        HDF5Call.prepare()
        precondition(
            values.count == shape.reduce(1, *),
            "\(object): \(values.count) values do not fill the shape \(shape)")
        var dims = shape.map { hsize_t($0) }
        var maxDims = dims
        let chunked = !shape.isEmpty && shape.dropFirst().allSatisfy { $0 > 0 }
        if chunked { maxDims[0] = h5s_unlimited() }
        let space = shape.isEmpty ? H5Screate(H5S_SCALAR) : H5Screate_simple(Int32(shape.count), &dims, &maxDims)
        try check(space, "cannot create the dataspace of", object)
        defer { H5Sclose(space) }
        let dcpl = try check(H5Pcreate(h5p_dataset_create()), "cannot create a property list", object)
        defer { H5Pclose(dcpl) }
        if chunked {
            let rowBytes = max(1, shape.dropFirst().reduce(1, *) * MemoryLayout<T>.stride)
            var chunk = dims
            chunk[0] = hsize_t(max(1, min(max(shape[0], 1), 65_536 / rowBytes)))
            try check(H5Pset_chunk(dcpl, Int32(chunk.count), &chunk), "cannot set the chunks of", object)
            if compression > 0 {
                H5Pset_shuffle(dcpl)
                H5Pset_deflate(dcpl, UInt32(min(compression, 9)))
            }
        }
        let lcpl = try linkCreationList()
        defer { H5Pclose(lcpl) }
        let dataset = try check(
            H5Dcreate2(id, object, fileType, space, lcpl, dcpl, h5p_default()),
            "cannot create the dataset", object)
        defer { H5Dclose(dataset) }
        guard !values.isEmpty else { return }
        try check(
            values.withUnsafeBytes {
                H5Dwrite(dataset, memoryType, h5s_all(), h5s_all(), h5p_default(), $0.baseAddress)
            }, "cannot write the dataset", object)
    }

    func datasetShape(_ dataset: hid_t, _ object: String) throws -> [Int] {
        let space = try check(H5Dget_space(dataset), "cannot read the dataspace of", object)
        defer { H5Sclose(space) }
        let rank = H5Sget_simple_extent_ndims(space)
        guard rank >= 0 else { throw error("cannot read the dataspace of", object) }
        var dims = [hsize_t](repeating: 0, count: Int(rank))
        H5Sget_simple_extent_dims(space, &dims, nil)
        return dims.map { Int($0) }
    }

    /// enum {FALSE = 0, TRUE = 1} over int8 (caller closes).
    func booleanType() throws -> hid_t {
        let type = try check(H5Tenum_create(h5_native_int8()), "cannot create the bool type", "/")
        var no: Int8 = 0, yes: Int8 = 1
        H5Tenum_insert(type, "FALSE", &no)
        H5Tenum_insert(type, "TRUE", &yes)
        return type
    }

    /// Variable-length UTF-8 string type (caller closes).
    func stringType() throws -> hid_t {
        let type = try check(H5Tcopy(h5_c_s1()), "cannot create the string type", "/")
        H5Tset_size(type, h5t_variable())
        H5Tset_cset(type, H5T_CSET_UTF8)
        return type
    }
}

/// Calls `body` with C pointers to NUL-terminated copies of `strings`, valid during the call.
func withCStrings<R>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) throws -> R) rethrows -> R {
    let copies = strings.map { string -> UnsafeMutablePointer<CChar> in
        let bytes = Array(string.utf8CString)
        let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
        pointer.initialize(from: bytes, count: bytes.count)
        return pointer
    }
    defer { for p in copies { p.deallocate() } }
    return try body(copies.map { UnsafePointer($0) })
}
