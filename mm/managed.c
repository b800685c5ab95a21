/* SPDX-License-Identifier: BSD-2-Clause */
/* managed.c - managed RAM cut at NUMA node boundaries (see managed.h). */
#include "mm/managed.h"

#include "lib/kstring.h"
#include "mm/buddy.h"

#define U(x) ((unsigned long long)(x))

void managed_init(struct managed_set *m) { managed_init_into(m, NULL, 0); }

void managed_init_into(struct managed_set *m, struct managed_piece *storage, uint32_t cap)
{
	memset(m, 0, sizeof *m);
	m->p = storage && cap ? storage : m->p0;
	m->cap = storage && cap ? cap : MANAGED_MAX;
}

uint64_t managed_pieces_bound(uint32_t nranges) { return (uint64_t)nranges + 2 * NUMA_MAX_RANGES; }

/* The node holding addr; memory outside every SRAT range goes to node 0 (noted once). */
static uint32_t managed_node_at(struct managed_set *m, const struct numa_topology *t, uint64_t addr,
				struct out *log)
{
	int n = numa_node_of_addr(t, addr);
	if (n >= 0)
		return (uint32_t)n;
	if (!m->outside_noted)
		out_log(log, LOG_NOTICE, "mm: RAM at 0x%llx is in no SRAT range; using node 0",
			U(addr));
	m->outside_noted = true;
	return 0;
}

/* The lowest SRAT range boundary in (base, end), or end. */
static uint64_t managed_next_boundary(const struct numa_topology *t, uint64_t base, uint64_t end)
{
	uint64_t b = end;
	for (uint32_t i = 0; i < t->n_ranges; i++) {
		const struct range *r = &t->ranges[i].r;
		if (r->base > base && r->base < b)
			b = r->base;
		if (r->end > base && r->end < b)
			b = r->end;
	}
	return b;
}

status_t managed_add(struct managed_set *m, const struct numa_topology *t, uint64_t base,
		     uint64_t end, struct out *log)
{
	if (end < base || (m->n && base < m->p[m->n - 1].end))
		return ST_INVALID;
	while (base < end) {
		uint64_t cut = managed_next_boundary(t, base, end);
		uint32_t node = managed_node_at(m, t, base, log);
		struct managed_piece *last = m->n ? &m->p[m->n - 1] : NULL;
		if (last && last->end == base && last->node == node) {
			last->end = cut;
		} else if (m->n == m->cap) {
			out_log(log, LOG_ERR,
				"mm: more than %u RAM pieces; [0x%llx-0x%llx) left unused", m->cap,
				U(base), U(end));
			return ST_NOMEM;
		} else {
			m->p[m->n++] = (struct managed_piece){ base, cut, node };
		}
		base = cut;
	}
	return ST_OK;
}

static uint64_t piece_pages(const struct managed_piece *p)
{
	return (p->end - p->base) >> PAGE_SHIFT;
}

uint64_t managed_meta_group(const struct managed_set *m, uint32_t i, uint32_t *next)
{
	uint64_t bytes = buddy_meta_bytes(piece_pages(&m->p[i]));
	uint32_t j = i + 1;
	if (piece_pages(&m->p[i]) < MANAGED_META_ALONE)
		for (; j < m->n && m->p[j].node == m->p[i].node &&
		       piece_pages(&m->p[j]) < MANAGED_META_ALONE &&
		       bytes + buddy_meta_bytes(piece_pages(&m->p[j])) <= MANAGED_META_GROUP;
		     j++)
			bytes += buddy_meta_bytes(piece_pages(&m->p[j]));
	*next = j;
	return bytes;
}

uint64_t managed_bytes(const struct managed_set *m)
{
	uint64_t sum = 0;
	for (uint32_t i = 0; i < m->n; i++)
		sum += m->p[i].end - m->p[i].base;
	return sum;
}
