/* SPDX-License-Identifier: BSD-2-Clause */
/* boot_scratch.c - bump allocation from the loader's scratch block (see boot_scratch.h). */
#include "kernel/boot_scratch.h"

#include "kernel/kernel.h"
#include "lib/check.h"
#include "lib/kstring.h"

static uint64_t used;

void *boot_scratch_take(size_t n, size_t elem)
{
	uint64_t size = K.bi->scratch_size;
	CHECK(elem == 0 || n <= (size - used) / elem); /* boot_info_validate verified the size */
	uint64_t bytes = ALIGN_UP((uint64_t)n * elem, 8);
	CHECK_OP(bytes, <=, size - used);
	void *p = phys_to_virt(K.bi->scratch_phys + used);
	used += bytes;
	memset(p, 0, bytes);
	return p;
}

uint64_t boot_scratch_used(void) { return used; }
