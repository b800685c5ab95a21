/* dax_written.c - the written set of a claimed device: the physical extents its owner may
 * have written, collected from the dirty bits of its window's leaves each time the window is
 * unmapped (mm/dax.h, "Written memory"); release zeroes exactly these.
 *
 * x->written[0..nwritten) is sorted, disjoint, non-adjacent, page-aligned and inside the
 * device. The array is small and fixed: when an extent does not fit, the two extents with the
 * smallest gap between them merge (the gap is added), so the set only ever grows - every
 * byte ever reported stays covered until release. */
#include "mm/dax_internal.h"

/* Merges out[i] and out[i + 1] into out[i]. */
static void written_join(struct range *out, uint32_t *n, uint32_t i)
{
	out[i].end = out[i + 1].end;
	memmove(&out[i + 1], &out[i + 2], (*n - i - 2) * sizeof out[0]);
	(*n)--;
}

void dax_written_add(struct dax_device *x, struct range e)
{
	e.base = MAX(ALIGN_DOWN(e.base, PAGE_SIZE), x->base);
	e.end = MIN(ALIGN_UP(e.end, PAGE_SIZE), x->base + x->size);
	if (e.base >= e.end)
		return;
	struct range out[DAX_MAX_WRITTEN + 1];
	uint32_t n = 0;
	bool placed = false;
	for (uint32_t i = 0; i < x->nwritten; i++) {
		struct range a = x->written[i];
		if (a.end >= e.base && e.end >= a.base) { /* overlaps or touches: absorb */
			e.base = MIN(e.base, a.base);
			e.end = MAX(e.end, a.end);
			continue;
		}
		if (!placed && a.base > e.end) {
			out[n++] = e;
			placed = true;
		}
		out[n++] = a;
	}
	if (!placed)
		out[n++] = e;
	if (n > DAX_MAX_WRITTEN) {
		uint32_t best = 0;
		for (uint32_t i = 1; i + 1 < n; i++)
			if (out[i + 1].base - out[i].end < out[best + 1].base - out[best].end)
				best = i;
		written_join(out, &n, best);
	}
	memcpy(x->written, out, n * sizeof out[0]);
	x->nwritten = n;
}

void dax_written_note(void *arg, vaddr_t virt, uint64_t size)
{
	struct dax_device *x = arg;
	uint64_t va = virt.v;
	if (va < x->window || va - x->window >= x->size) {
		/* not this window: cannot happen for a correct unmap op; keep the whole device */
		dax_written_add(x, (struct range){ x->base, x->base + x->size });
		return;
	}
	uint64_t off = va - x->window, len = MIN(size, x->size - off);
	dax_written_add(x, (struct range){ x->base + off, x->base + off + len });
}
