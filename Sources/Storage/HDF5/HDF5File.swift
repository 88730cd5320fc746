import CHDF5
import Foundation

/// An open HDF5 file, addressed by slash-separated object paths (`a/b/c`, relative to the root).
///
/// Every method opens and closes the objects it touches, so no handle outlives a call and ``close()`` really
/// closes the file. Every failure throws an ``HDF5Error`` naming the file and the object. Intermediate groups are
/// created as needed when writing.
public final class HDF5File {
    /// Path of the file on disk.
    public let path: String
    /// Whether the file was opened for writing.
    public let writable: Bool
    let id: hid_t
    private var isOpen = true

    /// Creates a new file at `path`, replacing any existing one; `userBlock` bytes (0 or a power of two ≥ 512) are
    /// reserved at the start of the file for the caller (HDF5 skips them). With `inMemory`, nothing touches the disk:
    /// the file lives in memory until ``closeToImage()`` returns its bytes (so that the caller does all file I/O and
    /// the library never meets a write error such as a full disk).
    public init(creating path: String, userBlock: Int = 0, inMemory: Bool = false) throws {
        HDF5Call.prepare()
        self.path = path
        writable = true
        let fcpl = H5Pcreate(h5p_file_create()), fapl = H5Pcreate(h5p_file_access())
        defer {
            if fcpl >= 0 { H5Pclose(fcpl) }
            if fapl >= 0 { H5Pclose(fapl) }
        }
        if userBlock > 0 { H5Pset_userblock(fcpl, hsize_t(userBlock)) }
        if inMemory { H5Pset_fapl_core(fapl, 1 << 20, false) }
        id = H5Fcreate(path, h5f_acc_trunc(), fcpl >= 0 ? fcpl : h5p_default(), fapl >= 0 ? fapl : h5p_default())
        guard id >= 0 else {
            throw HDF5Error(
                path: path, object: "/", operation: "cannot create the file", detail: HDF5Call.lastMessage())
        }
    }

    /// Opens an existing file, read-only unless `writable`.
    public init(opening path: String, writable: Bool = false) throws {
        HDF5Call.prepare()
        self.path = path
        self.writable = writable
        id = H5Fopen(path, writable ? h5f_acc_rdwr() : h5f_acc_rdonly(), h5p_default())
        guard id >= 0 else {
            let detail = HDF5Call.lastMessage()
            let reason = HDF5File.exists(path) ? (detail.isEmpty ? "not an HDF5 file" : detail) : "no such file"
            throw HDF5Error(path: path, object: "/", operation: "cannot open the file", detail: reason)
        }
    }

    deinit {
        if isOpen { H5Fclose(id) }
    }

    /// Writes every buffered change to disk (the operating system's cache).
    public func flush() throws {
        HDF5Call.prepare()
        try check(H5Fflush(id, H5F_SCOPE_GLOBAL), "cannot flush the file", "/")
    }

    /// Flushes and closes the file; later calls fail. Errors of the final write are reported here.
    public func close() throws {
        guard isOpen else { return }
        HDF5Call.prepare()
        isOpen = false
        // close even when the flush fails (e.g. a full disk), so that no half-closed file is left to the library
        let flushError = writable && H5Fflush(id, H5F_SCOPE_GLOBAL) < 0 ? error("cannot flush the file", "/") : nil
        let closed = H5Fclose(id)
        if let flushError { throw flushError }
        try check(closed, "cannot close the file", "/")
    }

    /// Flushes, returns the complete file image (user block included) and closes the file (for in-memory files).
    public func closeToImage() throws -> [UInt8] {
        HDF5Call.prepare()
        try check(H5Fflush(id, H5F_SCOPE_GLOBAL), "cannot flush the file", "/")
        let size = H5Fget_file_image(id, nil, 0)
        guard size >= 0 else { throw error("cannot read the file image", "/") }
        var image = [UInt8](repeating: 0, count: size)
        let copied = image.withUnsafeMutableBytes { H5Fget_file_image(id, $0.baseAddress, size) }
        guard copied == size else { throw error("cannot read the file image", "/") }
        try close()
        return image
    }

    // MARK: structure

    /// Creates the group at `object` (and any missing parents); an existing group is kept.
    public func createGroup(_ object: String) throws {
        HDF5Call.prepare()
        guard !exists(object) else { return }
        let lcpl = try linkCreationList()
        defer { H5Pclose(lcpl) }
        let group = try check(
            H5Gcreate2(id, object, lcpl, h5p_default(), h5p_default()),
            "cannot create the group", object)
        H5Gclose(group)
    }

    /// Whether a link exists at `object` (each component is checked, so missing parents give false).
    public func exists(_ object: String) -> Bool {
        HDF5Call.prepare()
        var prefix = ""
        for component in object.split(separator: "/") {
            prefix += (prefix.isEmpty ? "" : "/") + component
            guard H5Lexists(id, prefix, h5p_default()) > 0 else {
                H5Eclear2(h5e_default())
                return false
            }
        }
        return true
    }

    /// Whether `object` exists and is a dataset (not a group).
    public func isDataset(_ object: String) -> Bool {
        guard exists(object) else { return false }
        let dataset = H5Dopen2(id, object, h5p_default())
        guard dataset >= 0 else {
            H5Eclear2(h5e_default())
            return false
        }
        H5Dclose(dataset)
        return true
    }

    /// Names of the links inside the group `object`, in name order.
    public func children(of object: String) throws -> [String] {
        HDF5Call.prepare()
        let group = try check(H5Gopen2(id, object, h5p_default()), "cannot open the group", object)
        defer { H5Gclose(group) }
        var info = H5G_info_t()
        try check(H5Gget_info(group, &info), "cannot list the group", object)
        var names: [String] = []
        for index in 0..<info.nlinks {
            let length = H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, index, nil, 0, h5p_default())
            guard length >= 0 else { throw error("cannot list the group", object) }
            var buffer = [CChar](repeating: 0, count: Int(length) + 1)
            H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, index, &buffer, buffer.count, h5p_default())
            names.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return names
    }

    /// Removes the link `object` (the space it used is not reclaimed).
    public func delete(_ object: String) throws {
        HDF5Call.prepare()
        try check(H5Ldelete(id, object, h5p_default()), "cannot delete", object)
    }

    /// Creates a link at `object` to `targetObject` inside the file `targetFile` (a path relative to this file's
    /// folder is resolved from that folder when read).
    public func linkExternal(_ object: String, file targetFile: String, object targetObject: String) throws {
        HDF5Call.prepare()
        let lcpl = try linkCreationList()
        defer { H5Pclose(lcpl) }
        try check(
            H5Lcreate_external(targetFile, targetObject, id, object, lcpl, h5p_default()),
            "cannot create the external link", object)
    }

    /// The file and object an external link at `object` points to, or nil if `object` is not an external link.
    public func externalLinkTarget(_ object: String) throws -> (file: String, object: String)? {
        HDF5Call.prepare()
        var info = H5L_info_t()
        try check(H5Lget_info(id, object, &info, h5p_default()), "cannot inspect the link", object)
        guard info.type == H5L_TYPE_EXTERNAL else { return nil }
        var buffer = [UInt8](repeating: 0, count: info.u.val_size)
        try check(H5Lget_val(id, object, &buffer, buffer.count, h5p_default()), "cannot read the link", object)
        var flags: UInt32 = 0
        var fileName: UnsafePointer<CChar>?
        var objectName: UnsafePointer<CChar>?
        try check(
            H5Lunpack_elink_val(&buffer, buffer.count, &flags, &fileName, &objectName),
            "cannot decode the link", object)
        guard let fileName, let objectName else { return nil }
        return (String(cString: fileName), String(cString: objectName))
    }

    /// A link-creation property list that creates missing intermediate groups.
    func linkCreationList() throws -> hid_t {
        let lcpl = try check(H5Pcreate(h5p_link_create()), "cannot create a property list", "/")
        H5Pset_create_intermediate_group(lcpl, 1)
        return lcpl
    }

    static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }
}
