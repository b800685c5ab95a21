/* SPDX-License-Identifier: BSD-2-Clause */
/* memtier.c - abstract distance, memory tiers and demotion targets (rules in memtier.h). */
#include "acpi/memtier.h"

#include "lib/kstring.h"

const char *memtier_source_str(enum memtier_source s)
{
	switch (s) {
	case MEMTIER_CPU: return "cpu";
	case MEMTIER_HMAT: return "hmat";
	case MEMTIER_DAX_DEFAULT: return "dax-default";
	case MEMTIER_DRAM_DEFAULT: return "dram-default";
	default: return "none";
	}
}

static uint64_t lat_sum(const struct hmat_perf *p)
{
	return (uint64_t)p->v[HMAT_READ_LATENCY] + p->v[HMAT_WRITE_LATENCY];
}

static uint64_t bw_sum(const struct hmat_perf *p)
{
	return (uint64_t)p->v[HMAT_READ_BANDWIDTH] + p->v[HMAT_WRITE_BANDWIDTH];
}

/* |a - ref| * 10 > ref: Linux's "more than 10%" test for one figure. */
static bool differs(uint32_t a, uint32_t ref)
{
	uint64_t d = a > ref ? (uint64_t)a - ref : (uint64_t)ref - a;
	return d * 10 > ref;
}

static bool perf_mismatch(const struct hmat_perf *p, const struct hmat_perf *ref)
{
	for (int m = 0; m < HMAT_METRICS; m++)
		if (differs(p->v[m], ref->v[m]))
			return true;
	return false;
}

/* The DRAM reference (memtier.h): sets have_ref/ref_node or mismatch_node. */
static void find_reference(const struct numa_topology *t, struct memtier_info *mi,
			   struct hmat_perf *ref)
{
	for (uint32_t n = 0; n < t->n_nodes; n++) {
		const struct numa_node *nd = &t->nodes[n];
		if (!nd->has_cpu || !nd->has_memory || !nd->hmat_target)
			continue;
		struct hmat_perf p = { 0 };
		if (nd->access[1].valid)
			p = nd->access[1].perf;
		if (lat_sum(&p) == 0 || bw_sum(&p) == 0)
			return;
		if (!mi->have_ref) {
			mi->have_ref = true;
			mi->ref_node = n;
			*ref = p;
		} else if (perf_mismatch(&p, ref)) {
			mi->have_ref = false;
			mi->mismatch_node = (int32_t)n;
			return;
		}
	}
}

/* a * b, or false when it overflows 64 bits. */
static bool mul(uint64_t a, uint64_t b, uint64_t *r) { return !__builtin_mul_overflow(a, b, r); }

/* Linux's formula, left to right; false when a figure is missing. Clamped to an int. */
static bool hmat_adistance(const struct hmat_perf *p, const struct hmat_perf *ref, uint32_t *adist)
{
	if (lat_sum(p) == 0 || bw_sum(p) == 0)
		return false;
	uint64_t v;
	if (!mul(MEMTIER_ADISTANCE_DRAM, lat_sum(p), &v)) {
		*adist = MEMTIER_ADISTANCE_MAX;
		return true;
	}
	v /= lat_sum(ref);
	if (!mul(v, bw_sum(ref), &v)) {
		*adist = MEMTIER_ADISTANCE_MAX;
		return true;
	}
	v /= bw_sum(p);
	*adist = v > MEMTIER_ADISTANCE_MAX ? MEMTIER_ADISTANCE_MAX : (uint32_t)v;
	return true;
}

static void place_node(const struct numa_topology *t, struct memtier_info *mi,
		       const struct hmat_perf *ref, uint32_t n)
{
	const struct numa_node *nd = &t->nodes[n];
	struct memtier_node *m = &mi->node[n];
	if (!nd->has_memory) {
		m->source = MEMTIER_NONE;
		return;
	}
	if (nd->has_cpu) {
		m->source = MEMTIER_CPU;
		m->adistance = MEMTIER_ADISTANCE_DRAM;
	} else if (mi->have_ref && nd->access[1].valid &&
		   hmat_adistance(&nd->access[1].perf, ref, &m->adistance)) {
		m->source = MEMTIER_HMAT;
	} else if (n < 64 && ((t->sp_nodes >> n) & 1)) {
		m->source = MEMTIER_DAX_DEFAULT;
		m->adistance = MEMTIER_DEFAULT_DAX_ADISTANCE;
	} else {
		m->source = MEMTIER_DRAM_DEFAULT;
		m->adistance = MEMTIER_ADISTANCE_DRAM;
	}
	m->tier = m->adistance >> MEMTIER_CHUNK_BITS;
}

static void add_tier(struct memtier_info *mi, uint32_t tier)
{
	uint32_t i = 0;
	while (i < mi->n_tiers && mi->tiers[i] < tier)
		i++;
	if (i < mi->n_tiers && mi->tiers[i] == tier)
		return;
	memmove(&mi->tiers[i + 1], &mi->tiers[i], (mi->n_tiers - i) * sizeof mi->tiers[0]);
	mi->tiers[i] = tier;
	mi->n_tiers++;
}

/* Preferred targets of node n: the nearest nodes of the tier after n's. */
static void demotion_targets(const struct numa_topology *t, struct memtier_info *mi, uint32_t n)
{
	uint32_t k = 0;
	while (k < mi->n_tiers && mi->tiers[k] != mi->node[n].tier)
		k++;
	if (k + 1 >= mi->n_tiers)
		return;
	uint32_t next = mi->tiers[k + 1], best = UINT32_MAX;
	for (uint32_t c = 0; c < t->n_nodes; c++) {
		if (mi->node[c].source == MEMTIER_NONE || mi->node[c].tier != next)
			continue;
		uint32_t d = numa_distance(t, n, c);
		if (d < best) {
			best = d;
			mi->node[n].demotion = 0;
		}
		if (d == best)
			mi->node[n].demotion |= 1ull << c;
	}
}

status_t memtier_build(const struct numa_topology *t, struct memtier_info *mi)
{
	_Static_assert(NUMA_MAX_NODES <= 64, "demotion masks are 64-bit");
	if (!t || !mi || t->n_nodes > NUMA_MAX_NODES)
		return ST_INVALID;
	memset(mi, 0, sizeof *mi);
	mi->mismatch_node = -1;
	struct hmat_perf ref = { 0 };
	find_reference(t, mi, &ref);
	for (uint32_t n = 0; n < t->n_nodes; n++) {
		place_node(t, mi, &ref, n);
		if (mi->node[n].source != MEMTIER_NONE)
			add_tier(mi, mi->node[n].tier);
	}
	for (uint32_t n = 0; n < t->n_nodes; n++)
		if (mi->node[n].source != MEMTIER_NONE)
			demotion_targets(t, mi, n);
	return ST_OK;
}

static void print_mask(struct out *o, uint64_t mask, const char *sep, const char *none)
{
	const char *s = "";
	for (uint32_t i = 0; i < 64; i++) {
		if (!((mask >> i) & 1))
			continue;
		out_printf(o, "%s%u", s, i);
		s = sep;
	}
	if (!mask)
		out_printf(o, "%s", none);
}

static void print_json(const struct numa_topology *t, const struct memtier_info *mi, struct out *o)
{
	out_printf(o, "[");
	for (uint32_t k = 0; k < mi->n_tiers; k++) {
		out_printf(o, "%s{\"tier\":%u,\"adistance_start\":%u,\"nodes\":[", k ? "," : "",
			   mi->tiers[k], mi->tiers[k] << MEMTIER_CHUNK_BITS);
		const char *sep = "";
		for (uint32_t n = 0; n < t->n_nodes; n++) {
			const struct memtier_node *m = &mi->node[n];
			if (m->source == MEMTIER_NONE || m->tier != mi->tiers[k])
				continue;
			out_printf(o, "%s{\"node\":%u,\"adistance\":%u,\"source\":\"%s\"", sep, n,
				   m->adistance, memtier_source_str(m->source));
			if (m->demotion) {
				out_printf(o, ",\"demotion_targets\":[");
				print_mask(o, m->demotion, ",", "");
				out_printf(o, "]");
			}
			out_printf(o, "}");
			sep = ",";
		}
		out_printf(o, "]}");
	}
	out_printf(o, "]");
}

static void print_text(const struct numa_topology *t, const struct memtier_info *mi, struct out *o)
{
	out_printf(
		o,
		"memory tiers (abstract distance as Linux computes it; DRAM is %u, %u per tier; ",
		MEMTIER_ADISTANCE_DRAM, MEMTIER_CHUNK_SIZE);
	if (mi->have_ref)
		out_printf(o, "HMAT reference: node %u):\n", mi->ref_node);
	else if (mi->mismatch_node >= 0)
		out_printf(o,
			   "no HMAT reference: node %d's figures differ from the first CPU node's "
			   "by more than 10%%):\n",
			   mi->mismatch_node);
	else
		out_printf(o, "no HMAT reference: no CPU node with HMAT latency and bandwidth):\n");
	for (uint32_t k = 0; k < mi->n_tiers; k++) {
		out_printf(o, "  tier %u (adistance %u-%u): node", mi->tiers[k],
			   mi->tiers[k] << MEMTIER_CHUNK_BITS,
			   (mi->tiers[k] << MEMTIER_CHUNK_BITS) + MEMTIER_CHUNK_SIZE - 1);
		for (uint32_t n = 0; n < t->n_nodes; n++)
			if (mi->node[n].source != MEMTIER_NONE && mi->node[n].tier == mi->tiers[k])
				out_printf(o, " %u", n);
		out_printf(o, "\n");
	}
	for (uint32_t n = 0; n < t->n_nodes; n++) {
		const struct memtier_node *m = &mi->node[n];
		if (m->source == MEMTIER_NONE)
			continue;
		out_printf(o, "  node %u: adistance %u (%s), tier %u, demotes to ", n, m->adistance,
			   memtier_source_str(m->source), m->tier);
		if (m->demotion)
			out_printf(o, "node ");
		print_mask(o, m->demotion, " ", "nothing");
		out_printf(o, "\n");
	}
}

void memtier_print(const struct numa_topology *t, const struct memtier_info *mi, struct out *o,
		   bool json)
{
	if (json)
		print_json(t, mi, o);
	else
		print_text(t, mi, o);
}
