/* SPDX-License-Identifier: BSD-2-Clause */
/* sp_claim.h - which parts of the UEFI memory map the loader must keep its allocations out of.
 *
 * The loader never allocates from EFI_MEMORY_SP memory (UEFI 2.10 §7.2.3: SP memory is
 * "reserved for a specific purpose"; Linux's EFI stub avoids it likewise). Firmware does not
 * keep its allocator out of SP ranges, so before its first allocation the loader claims every
 * free SP descriptor (EfiConventionalMemory with EFI_MEMORY_SP) with AllocatePages at its
 * address, loads the kernel, builds its page tables and boot_info, checks that none of its
 * blocks overlaps any SP descriptor (a block that does is held aside and the allocation is
 * retried), and keeps the SP ranges held through ExitBootServices (firmware may write into
 * pages it frees: OVMF fills them with 0xAF).
 *
 * sp_claim_scan reads a raw map (descriptors every desc_size bytes, as GetMemoryMap returns
 * it) into the ranges to claim and the ranges to avoid. Descriptors of zero pages or whose end
 * would pass 2^64 are not memory and are skipped (counted). Pure: host-tested. */
#ifndef SPMK_BOOT_SP_CLAIM_H
#define SPMK_BOOT_SP_CLAIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/efi_memory.h"
#include "lib/types.h"

#define SP_CLAIM_MAX 64 /* ranges of each list inside struct sp_claims (without storage) */

struct sp_claims {
	unsigned cap;       /* ranges free and all can each hold */
	unsigned nfree;     /* free SP descriptors to claim, in map order */
	struct range *free; /* free0, or the caller's storage (sp_claim_storage) */
	unsigned nall;      /* every SP descriptor, whatever its type; touching or
					 * overlapping ones merged */
	struct range *all;
	unsigned dropped;    /* SP descriptors beyond cap (then the scan is incomplete) */
	unsigned bogus;      /* SP descriptors skipped: zero pages or an end past 2^64 */
	uint64_t free_pages; /* 4 KiB pages in free[] */
	struct range free0[SP_CLAIM_MAX], all0[SP_CLAIM_MAX];
};

/* Makes the lists of c live in the caller's storage: free in storage[0..cap), all in
 * storage[cap..2 cap). The loader gives cap = the map's descriptor count
 * (sp_claim_descs), so no scan is incomplete. storage NULL: the SP_CLAIM_MAX inside c. c must
 * not be copied by value afterwards. */
void sp_claim_storage(struct sp_claims *c, struct range *storage, unsigned cap);
/* Descriptors in a map of raw_size bytes at desc_size (0 when desc_size < 40). */
size_t sp_claim_descs(size_t raw_size, size_t desc_size);

/* Scans raw_size bytes of descriptors, desc_size bytes apart (desc_size >= 40; a trailing
 * partial descriptor is ignored). Fills *out completely, in the storage it has: *out must be
 * zeroed (its own lists) or have been given storage by sp_claim_storage. */
void sp_claim_scan(const void *raw, size_t raw_size, size_t desc_size, struct sp_claims *out);

/* The first SP descriptor range in c->all that [base, base + bytes) overlaps, or NULL. */
const struct range *sp_claim_overlap(const struct sp_claims *c, uint64_t base, uint64_t bytes);

#endif
