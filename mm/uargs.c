/* SPDX-License-Identifier: BSD-2-Clause */
/* uargs.c - checks of handle and memory-request arguments of system calls (see uargs.h). */
#include "mm/uargs.h"

#include "include/spmk/errors.h"
#include "include/spmk/memory.h"

long uargs_handle_decode(uint64_t handle, unsigned nslots, unsigned *slot, uint32_t *gen)
{
	if (handle > 0x7fffffffull || (handle & 0xff) >= nslots)
		return -SPMK_EBADF;
	*slot = (unsigned)(handle & 0xff);
	*gen = (uint32_t)(handle >> 8);
	return 0;
}

long uargs_mem_alloc(uint64_t bytes, int64_t node, uint64_t flags, uint32_t n_nodes,
		     uint64_t *pages)
{
	if (bytes == 0 || (flags & ~(uint64_t)(SPMK_MEM_MOVABLE | SPMK_MEM_THISNODE)))
		return -SPMK_EINVAL;
	if (node != SPMK_NODE_ANY && (node < 0 || node >= (int64_t)n_nodes))
		return -SPMK_ERANGE;
	if ((flags & SPMK_MEM_THISNODE) && node == SPMK_NODE_ANY)
		return -SPMK_EINVAL;
	if (bytes > UARGS_MEM_MAX)
		return -SPMK_ENOMEM;
	*pages = bytes_to_pages(bytes); /* bytes <= UARGS_MEM_MAX: no wrap */
	return 0;
}
