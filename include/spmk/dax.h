/* SPDX-License-Identifier: BSD-2-Clause */
/* spmk/dax.h - specific-purpose memory devices (device-dax model, docs/dax.md): list, claim,
 * map into this app, release.
 *
 * A claim gives a handle; the handle is the only way to act on the claim, and it works only
 * in the app that claimed. Map puts the whole device into this app's address space, writable,
 * with the largest pages its alignment allows (1 GiB, 2 MiB or 4 KiB). Release unmaps it and
 * scrubs (zeroes) the device before anyone else can claim it. When the app exits, every claim
 * it still holds is released the same way. */
#ifndef SPMK_DAX_H
#define SPMK_DAX_H

#include <stdint.h>

#define SPMK_DAX_NAME 24

#define SPMK_DAX_CLAIMED 1u    /* claimed by anyone (this app, another, the shell) */
#define SPMK_DAX_MINE 2u       /* claimed by this app */
#define SPMK_DAX_SYSTEM_RAM 4u /* handed to the page allocator, not claimable */

struct spmk_dax_dev {
	char name[SPMK_DAX_NAME]; /* "dax0.0" */
	uint64_t size;            /* bytes */
	uint64_t align;           /* bytes: the largest page a mapping uses */
	int32_t node;             /* target node, -1 when none */
	uint32_t flags;           /* SPMK_DAX_* */
};

/* Fills out[0 .. min(max, n)) and returns n, the number of devices; or a negative error. */
long spmk_dax_list(struct spmk_dax_dev *out, unsigned max);
/* A handle (>= 0) or -SPMK_ENOENT (no such device), -SPMK_EBUSY (claimed or system-ram). */
long spmk_dax_claim(const char *name);
/* Maps the claimed device; *addr gets its address. Errors: -SPMK_EBADF, -SPMK_EEXIST. */
long spmk_dax_map(long handle, void **addr);
/* Unmaps, scrubs, releases. Errors: -SPMK_EBADF. */
long spmk_dax_release(long handle);

#endif
