/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_elf.c - libFuzzer target for boot/elf_validate.c: any byte string is either rejected with
 * exactly one error line or accepted with a result whose every segment lies in the input and
 * inside [vmin, vmax), with the entry in an executable segment.
 * Coverage: boot/elf_validate.c */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "boot/boot_info.h"
#include "boot/elf_validate.h"

static int lines;

static void count(void *ctx, int level, const char *s, size_t n)
{
	(void)ctx, (void)level, (void)s, (void)n;
	lines++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct out out = { count, NULL };
	struct elf_image img;
	/* a private copy, so reads past the end are caught by ASan exactly at size */
	uint8_t *buf = malloc(size ? size : 1);
	memcpy(buf, data, size);
	lines = 0;
	status_t st = elf_validate(buf, size, &img, &out);
	if (st != ST_OK) {
		if (lines != 1)
			abort();
		free(buf);
		return 0;
	}
	if (lines != 0 || img.nseg == 0 || img.nseg > ELF_MAX_SEGMENTS)
		abort();
	if (img.vmin < KERNEL_VIRT_BASE || img.vmax <= img.vmin ||
	    img.vmax - img.vmin >= ELF_MAX_SPAN)
		abort();
	int entry_ok = 0;
	for (unsigned i = 0; i < img.nseg; i++) {
		const struct elf_segment *s = &img.seg[i];
		if (s->filesz > s->memsz || s->offset + s->filesz > size ||
		    s->offset + s->filesz < s->offset)
			abort();
		if (s->vaddr < img.vmin || s->vaddr + s->memsz > img.vmax)
			abort();
		if ((s->flags & ELF_PF_X) && img.entry >= s->vaddr &&
		    img.entry < s->vaddr + s->filesz)
			entry_ok = 1;
	}
	if (!entry_ok)
		abort();
	free(buf);
	return 0;
}
