/* SPDX-License-Identifier: BSD-2-Clause */
/* elf_validate.h - validation of an ELF file (the kernel, an app) before anyone trusts its numbers.
 *
 * elf_validate() accepts only an ELF64 little-endian x86_64 ET_EXEC whose PT_LOAD segments lie in
 * the file, sit at or above KERNEL_VIRT_BASE, do not overlap, span less than 1 GiB together, and
 * whose entry point lies in the file-backed part of an executable segment. On success the
 * caller gets the segment list and the page-aligned virtual span [vmin, vmax); every field of
 * the result was bounds-checked, so the loader can copy without further checks.
 * Pure: no EFI headers, no allocation; host-tested. */
#ifndef SPMK_BOOT_ELF_VALIDATE_H
#define SPMK_BOOT_ELF_VALIDATE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/out.h"
#include "lib/status.h"

#define ELF_MAX_SEGMENTS 16
#define ELF_MAX_SPAN ((uint64_t)1 << 30) /* vmax - vmin must be below this */

#define ELF_PF_X 1
#define ELF_PF_W 2
#define ELF_PF_R 4

struct elf_segment {
	uint64_t vaddr;  /* virtual start of the segment */
	uint64_t memsz;  /* bytes in memory (>= filesz; the rest is zero, bss) */
	uint64_t offset; /* file offset of the first byte */
	uint64_t filesz; /* bytes copied from the file; offset + filesz <= file length */
	uint32_t flags;  /* ELF_PF_* */
};

struct elf_image {
	uint64_t entry; /* virtual entry point */
	uint64_t vmin;  /* lowest segment vaddr rounded down to 4 KiB */
	uint64_t vmax;  /* highest segment end rounded up to 4 KiB */
	unsigned nseg;  /* PT_LOAD segments with memsz > 0, in file order */
	struct elf_segment seg[ELF_MAX_SEGMENTS];
};

/* Where the segments of an image may lie: [lo, hi); `what` names the image in errors. */
struct elf_bounds {
	uint64_t lo, hi;
	const char *what; /* "kernel", "app" */
};

/* Validates buf[0..len) as an image whose PT_LOAD segments lie inside [b->lo, b->hi) (errors
 * as elf_validate; a segment outside: ST_RANGE). Used for the kernel and for apps. */
status_t elf_validate_bounds(const void *buf, size_t len, const struct elf_bounds *b,
			     struct elf_image *out, struct out *log);

/* Validates buf[0..len) as the kernel image (segments at or above KERNEL_VIRT_BASE). ST_OK and *out filled, or an error status and
 * one LOG_ERR line on log explaining the first problem found (*out is then unspecified). */
status_t elf_validate(const void *buf, size_t len, struct elf_image *out, struct out *log);

#endif
