/* SPDX-License-Identifier: BSD-2-Clause */
/* hexdump.h - a buffer in the layout of `hexdump -C -v`: offset, 16 bytes in two groups of
 * eight, the printable characters between bars, and the total length on the last line. */
#ifndef SPMK_LIB_HEXDUMP_H
#define SPMK_LIB_HEXDUMP_H

#include <stddef.h>
#include <stdint.h>

#include "lib/out.h"

void hexdump(const uint8_t *p, size_t n, struct out *o);

#endif
