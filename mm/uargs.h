/* SPDX-License-Identifier: BSD-2-Clause */
/* uargs.h - the checks of system-call arguments that are not pointers (pointers: uspace.h):
 * claim handles and memory requests. Pure: host-tested (test_uspace). Results are 0 or a
 * negated spmk_error (include/spmk/errors.h), as the system call returns them. */
#ifndef SPMK_MM_UARGS_H
#define SPMK_MM_UARGS_H

#include "lib/types.h"

#define UARGS_HANDLE_GEN_MASK 0x7fffffu /* handle = slot (8 bits) | gen (23 bits) << 8 */
#define UARGS_MEM_MAX (64ull << 30)     /* bytes of one allocation (an object window) */

/* The handle an app sees for claim slot `slot` with generation gen (>= 0, < 2^31). */
static inline long uargs_handle(unsigned slot, uint32_t gen)
{
	return (long)(slot | (uint64_t)(gen & UARGS_HANDLE_GEN_MASK) << 8);
}

/* Splits a handle: 0 and *slot, *gen when it can name one of nslots slots (the caller then
 * compares the slot's generation); -SPMK_EBADF for a negative value, one beyond 2^31 or a
 * slot beyond nslots. */
long uargs_handle_decode(uint64_t handle, unsigned nslots, unsigned *slot, uint32_t *gen);

/* A memory request: bytes > 0 and at most UARGS_MEM_MAX (else -SPMK_EINVAL / -SPMK_ENOMEM),
 * flags only SPMK_MEM_MOVABLE | SPMK_MEM_THISNODE (-SPMK_EINVAL), node SPMK_NODE_ANY or below
 * n_nodes (-SPMK_ERANGE), THISNODE only with a node (-SPMK_EINVAL). *pages gets the 4 KiB pages. */
long uargs_mem_alloc(uint64_t bytes, int64_t node, uint64_t flags, uint32_t n_nodes,
		     uint64_t *pages);

#endif
