/* zlib (Debian zlib1g-dev; HDF5 links it already): CRC-32 of stored files and the zlib streams of PNG images. */
#ifndef MBMPO_CZLIB_SHIM_H
#define MBMPO_CZLIB_SHIM_H
#include <zlib.h>
#endif
