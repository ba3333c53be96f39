// The official HDF5 C library (Debian libhdf5-dev), plus small helpers for what Swift
// cannot reach directly: macros that expand to globals, and the version-dependent
// object-visiting API.
#ifndef BATON_CHDF5_SHIM_H
#define BATON_CHDF5_SHIM_H
#include <hdf5.h>

static inline hid_t baton_h5_native_float(void) { return H5T_NATIVE_FLOAT; }
static inline unsigned baton_h5f_read_only(void) { return H5F_ACC_RDONLY; }

/// Turns off HDF5's own error printing: Baton reports errors itself.
static inline void baton_h5_silence_errors(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

typedef void (*baton_h5_dataset_callback)(const char *name, void *context);

struct baton_h5_visit { baton_h5_dataset_callback callback; void *context; };

#if H5_VERSION_GE(1, 12, 0)
static herr_t baton_h5_visit_op(hid_t object, const char *name, const H5O_info2_t *info, void *data) {
#else
static herr_t baton_h5_visit_op(hid_t object, const char *name, const H5O_info_t *info, void *data) {
#endif
    (void)object;
    if (info->type == H5O_TYPE_DATASET) {
        struct baton_h5_visit *visit = (struct baton_h5_visit *)data;
        visit->callback(name, visit->context);
    }
    return 0;
}

/// Calls `callback` with the path of every dataset in the file.
static inline herr_t baton_h5_visit_datasets(hid_t file, baton_h5_dataset_callback callback, void *context) {
    struct baton_h5_visit visit = { callback, context };
#if H5_VERSION_GE(1, 12, 0)
    return H5Ovisit3(file, H5_INDEX_NAME, H5_ITER_INC, baton_h5_visit_op, &visit, H5O_INFO_BASIC);
#else
    return H5Ovisit2(file, H5_INDEX_NAME, H5_ITER_INC, baton_h5_visit_op, &visit, H5O_INFO_BASIC);
#endif
}
#endif
