/* SPDX-License-Identifier: BSD-2-Clause */
/* ksyms.h - kernel symbol lookup for backtraces.
 *
 * The table is generated from the first link of kernel.elf (tools/gensyms.sh) and linked into
 * the .ksyms section, which linker.ld places last so no other address moves. */
#ifndef SPMK_KERNEL_KSYMS_H
#define SPMK_KERNEL_KSYMS_H

#include <stdint.h>

struct ksym {
	uint64_t addr;
	uint32_t name_off; /* into ksyms_names */
	uint32_t reserved;
};

/* The name of the function containing addr and the offset into it, or NULL. */
const char *ksyms_lookup(uint64_t addr, uint64_t *offset);
/* Number of symbols in the table (0 when it was not generated). */
uint32_t ksyms_count(void);

#endif
