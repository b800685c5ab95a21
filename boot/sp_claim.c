/* SPDX-License-Identifier: BSD-2-Clause */
/* sp_claim.c - finding the SP ranges the loader claims and avoids (see sp_claim.h). */
#include "boot/sp_claim.h"

static uint64_t get_u64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* Adds r to set; with merge, a range that touches or overlaps an entry widens that entry. */
static void sp_claim_add(struct range *set, unsigned *n, unsigned cap, struct range r, bool merge,
			 unsigned *dropped)
{
	for (unsigned i = 0; merge && i < *n; i++) {
		if (r.base <= set[i].end && set[i].base <= r.end) {
			set[i].base = r.base < set[i].base ? r.base : set[i].base;
			set[i].end = r.end > set[i].end ? r.end : set[i].end;
			return;
		}
	}
	if (*n == cap) {
		(*dropped)++;
		return;
	}
	set[(*n)++] = r;
}

void sp_claim_storage(struct sp_claims *c, struct range *storage, unsigned cap)
{
	c->free = storage && cap ? storage : c->free0;
	c->all = storage && cap ? storage + cap : c->all0;
	c->cap = storage && cap ? cap : SP_CLAIM_MAX;
	c->nfree = c->nall = 0;
}

size_t sp_claim_descs(size_t raw_size, size_t desc_size)
{
	return desc_size >= 40 ? raw_size / desc_size : 0;
}

void sp_claim_scan(const void *raw, size_t raw_size, size_t desc_size, struct sp_claims *out)
{
	if (!out->free || !out->all || !out->cap)
		sp_claim_storage(out, NULL, 0);
	out->nfree = out->nall = out->dropped = out->bogus = 0;
	out->free_pages = 0;
	const uint8_t *p = raw;
	for (size_t off = 0; desc_size >= 40 && raw_size - off >= desc_size; off += desc_size) {
		uint32_t type = (uint32_t)get_u64(p + off) & 0xffffffffu;
		uint64_t base = get_u64(p + off + 8), pages = get_u64(p + off + 24);
		uint64_t attr = get_u64(p + off + 32), end;
		if (!(attr & EFI_MEMORY_SP))
			continue;
		if (pages == 0 || pages > (UINT64_MAX >> PAGE_SHIFT) ||
		    add_overflows(base, pages_to_bytes(pages), &end)) {
			out->bogus++;
			continue;
		}
		struct range r = { base, end };
		sp_claim_add(out->all, &out->nall, out->cap, r, true, &out->dropped);
		if (type == EFI_CONVENTIONAL_MEMORY) {
			unsigned before = out->nfree;
			sp_claim_add(out->free, &out->nfree, out->cap, r, false, &out->dropped);
			if (out->nfree > before)
				out->free_pages += pages;
		}
	}
}

const struct range *sp_claim_overlap(const struct sp_claims *c, uint64_t base, uint64_t bytes)
{
	uint64_t end;
	if (bytes == 0)
		return NULL;
	if (add_overflows(base, bytes, &end))
		end = UINT64_MAX;
	for (unsigned i = 0; i < c->nall; i++)
		if (range_overlaps((struct range){ base, end }, c->all[i]))
			return &c->all[i];
	return NULL;
}
