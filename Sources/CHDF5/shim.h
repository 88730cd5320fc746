// HDF5 (serial), found with pkg-config: Debian's hdf5.pc points at /usr/include/hdf5/serial and its libhdf5.
// The H5T_NATIVE_*, H5F_ACC_*, H5P_<class>, H5S_UNLIMITED and H5T_VARIABLE macros expand to comma expressions
// that Swift does not import; the static inline functions below return their values.
#include <hdf5.h>
#include <string.h>

static inline hid_t h5_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t h5_native_float(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t h5_native_int8(void) { return H5T_NATIVE_INT8; }
static inline hid_t h5_native_uint8(void) { return H5T_NATIVE_UINT8; }
static inline hid_t h5_native_int32(void) { return H5T_NATIVE_INT32; }
static inline hid_t h5_native_uint32(void) { return H5T_NATIVE_UINT32; }
static inline hid_t h5_native_int64(void) { return H5T_NATIVE_INT64; }
static inline hid_t h5_native_uint64(void) { return H5T_NATIVE_UINT64; }
static inline hid_t h5_c_s1(void) { return H5T_C_S1; }
static inline hid_t h5p_default(void) { return H5P_DEFAULT; }
static inline hid_t h5s_all(void) { return H5S_ALL; }
static inline hid_t h5e_default(void) { return H5E_DEFAULT; }
static inline hid_t h5p_dataset_create(void) { return H5P_DATASET_CREATE; }
static inline hid_t h5p_link_create(void) { return H5P_LINK_CREATE; }
static inline hid_t h5p_file_access(void) { return H5P_FILE_ACCESS; }
static inline hid_t h5p_file_create(void) { return H5P_FILE_CREATE; }
static inline unsigned h5f_acc_trunc(void) { return H5F_ACC_TRUNC; }
static inline unsigned h5f_acc_excl(void) { return H5F_ACC_EXCL; }
static inline unsigned h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline unsigned h5f_acc_rdwr(void) { return H5F_ACC_RDWR; }
static inline size_t h5t_variable(void) { return H5T_VARIABLE; }
static inline hsize_t h5s_unlimited(void) { return H5S_UNLIMITED; }

/// Turns off HDF5's automatic printing of its error stack for the calling thread (the stack is per thread).
static inline void h5_silence_errors(void) { H5Eset_auto2(H5E_DEFAULT, (H5E_auto2_t)0, (void *)0); }

typedef struct { char *buffer; size_t size; } h5_message_sink;

static herr_t h5_capture_deepest(unsigned n, const H5E_error2_t *entry, void *data) {
    h5_message_sink *sink = (h5_message_sink *)data;
    if (n == 0 && entry->desc && sink->size > 0) {
        strncpy(sink->buffer, entry->desc, sink->size - 1);
        sink->buffer[sink->size - 1] = 0;
    }
    return 0;
}

/// Copies the description of the deepest entry of the calling thread's error stack (where the failure was first
/// detected) into buffer, then clears the stack.
static inline void h5_error_message(char *buffer, size_t size) {
    h5_message_sink sink = { buffer, size };
    if (size > 0) buffer[0] = 0;
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, h5_capture_deepest, &sink);
    H5Eclear2(H5E_DEFAULT);
}
