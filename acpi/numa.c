/* SPDX-License-Identifier: BSD-2-Clause */
/* numa.c - topology construction and queries (see numa.h). */
#include "acpi/numa.h"

#include "lib/kstring.h"

int numa_node_of_pxm(const struct numa_topology *t, uint32_t pxm)
{
	for (uint32_t i = 0; i < t->n_nodes; i++)
		if (t->nodes[i].pxm == pxm)
			return (int)i;
	return -1;
}

int numa_node_of_addr(const struct numa_topology *t, uint64_t paddr)
{
	for (uint32_t i = 0; i < t->n_ranges; i++)
		if (paddr >= t->ranges[i].r.base && paddr < t->ranges[i].r.end)
			return (int)t->ranges[i].node;
	return t->from_srat ? -1 : 0;
}

uint32_t numa_distance(const struct numa_topology *t, uint32_t a, uint32_t b)
{
	if (a >= t->n_nodes || b >= t->n_nodes)
		return NUMA_UNREACHABLE;
	if (t->dist[a][b])
		return t->dist[a][b];
	return a == b ? NUMA_LOCAL_DISTANCE : NUMA_REMOTE_DISTANCE;
}

bool numa_has_hmat(const struct numa_topology *t, uint32_t node)
{
	return node < t->n_nodes && t->nodes[node].hmat_target;
}

bool numa_memory_only(const struct numa_topology *t, uint32_t node)
{
	return node < t->n_nodes && t->nodes[node].has_memory && !t->nodes[node].has_cpu;
}

status_t numa_add_range(struct numa_topology *t, uint32_t node, uint64_t base, uint64_t end,
			uint32_t flags)
{
	if (node >= t->n_nodes || base >= end)
		return ST_INVALID;
	if (t->n_ranges >= NUMA_MAX_RANGES)
		return ST_NOMEM;
	t->ranges[t->n_ranges++] = (struct numa_range){ { base, end }, node, flags };
	t->nodes[node].has_memory = true;
	return ST_OK;
}

static void build_from_srat(struct numa_topology *t, const struct srat_info *s)
{
	t->from_srat = true;
	for (uint32_t i = 0; i < s->n_pxm && i < NUMA_MAX_NODES; i++)
		t->nodes[t->n_nodes++].pxm = s->pxm[i];
	for (uint32_t i = 0; i < s->n_cpus && i < NUMA_MAX_CPUS; i++) {
		int n = numa_node_of_pxm(t, s->cpus[i].pxm);
		if (n < 0)
			continue;
		t->cpus[t->n_cpus++] =
			(struct numa_cpu){ s->cpus[i].apic_id, (uint32_t)n, s->cpus[i].x2apic };
		t->nodes[n].has_cpu = true;
	}
	for (uint32_t i = 0; i < s->n_mem; i++) {
		int n = numa_node_of_pxm(t, s->mem[i].pxm);
		uint32_t f = (s->mem[i].hotplug ? NUMA_MEM_HOTPLUG : 0) |
			     (s->mem[i].nonvolatile ? NUMA_MEM_NONVOLATILE : 0);
		if (n >= 0)
			numa_add_range(t, (uint32_t)n, s->mem[i].r.base, s->mem[i].r.end, f);
	}
	for (uint32_t i = 0; i < s->n_gi; i++) {
		int n = numa_node_of_pxm(t, s->gi[i].pxm);
		if (n >= 0)
			t->nodes[n].generic_initiator = true;
	}
}

static void apply_slit(struct numa_topology *t, const struct slit_info *s, struct out *log)
{
	t->has_slit = true;
	for (uint32_t a = 0; a < t->n_nodes; a++) {
		uint32_t pa = t->nodes[a].pxm;
		if (pa >= s->count) {
			out_log(log, LOG_NOTICE,
				"SLIT: no row for pxm %u (node %u); "
				"default distances used",
				pa, a);
			continue;
		}
		for (uint32_t b = 0; b < t->n_nodes; b++)
			if (t->nodes[b].pxm < s->count)
				t->dist[a][b] = s->dist[pa][t->nodes[b].pxm];
	}
}

/* Copies HMAT figures and caches onto nodes; returns a mask of initiator nodes. */
static uint64_t apply_hmat(struct numa_topology *t, const struct hmat_info *h, struct out *log)
{
	int node_of[HMAT_MAX_DOMAINS];
	uint64_t initiators = 0;
	t->has_hmat = true;
	for (uint32_t d = 0; d < h->n_domains && d < HMAT_MAX_DOMAINS; d++) {
		node_of[d] = numa_node_of_pxm(t, h->domain[d]);
		if (node_of[d] < 0) {
			out_log(log, LOG_NOTICE,
				"HMAT: pxm %u is not in the SRAT, its "
				"data ignored",
				h->domain[d]);
			continue;
		}
		if (h->role[d] & HMAT_ROLE_INITIATOR)
			initiators |= 1ull << node_of[d];
		if (h->role[d] & HMAT_ROLE_TARGET)
			t->nodes[node_of[d]].hmat_target = true;
	}
	for (uint32_t i = 0; i < h->n_domains && i < HMAT_MAX_DOMAINS; i++)
		for (uint32_t j = 0; j < h->n_domains && j < HMAT_MAX_DOMAINS; j++)
			if (node_of[i] >= 0 && node_of[j] >= 0)
				t->matrix[node_of[i]][node_of[j]] = h->perf[i][j];
	for (uint32_t c = 0; c < h->n_caches && c < HMAT_MAX_CACHES; c++) {
		int n = numa_node_of_pxm(t, h->caches[c].pxm);
		if (n < 0)
			continue;
		struct numa_node *nd = &t->nodes[n];
		if (nd->n_caches >= NUMA_NODE_MAX_CACHES) {
			out_log(log, LOG_NOTICE,
				"HMAT: node %u has more than %u caches, level %u "
				"dropped",
				(uint32_t)n, NUMA_NODE_MAX_CACHES, h->caches[c].level);
			continue;
		}
		uint32_t k = nd->n_caches++;
		while (k > 0 && nd->caches[k - 1].level > h->caches[c].level) {
			nd->caches[k] = nd->caches[k - 1];
			k--;
		}
		nd->caches[k] = h->caches[c];
	}
	return initiators;
}

/* Rule 1: the attached initiator named by a memory proximity domain attributes structure. */
static int attached_initiator(const struct numa_topology *t, const struct hmat_info *h,
			      uint32_t target)
{
	int found = -1;
	for (uint32_t m = 0; m < h->n_mpda && m < HMAT_MAX_MPDA; m++) {
		const struct hmat_mpda *p = &h->mpda[m];
		if (p->memory_valid && p->initiator_valid && p->memory_pxm == t->nodes[target].pxm)
			found = numa_node_of_pxm(t, p->initiator_pxm); /* the last one wins */
	}
	return found;
}

static bool better(int metric, uint32_t v, uint32_t best)
{
	if (!v)
		return false;
	if (!best)
		return true;
	return metric <= HMAT_WRITE_LATENCY ? v < best : v > best;
}

/* Rule 2: filter candidates metric by metric. */
static void select_best(const struct numa_topology *t, uint32_t target, uint64_t cand,
			struct numa_access *acc)
{
	static const int order[HMAT_METRICS] = { HMAT_WRITE_LATENCY, HMAT_READ_LATENCY,
						 HMAT_WRITE_BANDWIDTH, HMAT_READ_BANDWIDTH };
	bool any = false;
	for (int k = 0; k < HMAT_METRICS; k++) {
		int m = order[k];
		uint32_t best = 0;
		for (uint32_t i = 0; i < t->n_nodes; i++)
			if ((cand >> i) & 1 && better(m, t->matrix[i][target].v[m], best))
				best = t->matrix[i][target].v[m];
		if (!best)
			continue;
		any = true;
		acc->perf.v[m] = best;
		for (uint32_t i = 0; i < t->n_nodes; i++)
			if (t->matrix[i][target].v[m] != best)
				cand &= ~(1ull << i);
	}
	if (!any || !cand)
		return;
	acc->valid = true;
	acc->initiators = cand;
	acc->initiator = (uint32_t)__builtin_ctzll(cand);
}

static void choose_access(struct numa_topology *t, const struct hmat_info *h, uint64_t inits)
{
	uint64_t cpu_nodes = 0;
	for (uint32_t i = 0; i < t->n_nodes; i++)
		if (t->nodes[i].has_cpu)
			cpu_nodes |= 1ull << i;
	for (uint32_t n = 0; n < t->n_nodes; n++) {
		struct numa_node *nd = &t->nodes[n];
		if (!nd->has_memory)
			continue;
		int att = attached_initiator(t, h, n);
		for (int c = 0; c < 2; c++) {
			struct numa_access *acc = &nd->access[c];
			if (att >= 0 && (c == 0 || t->nodes[att].has_cpu)) {
				*acc = (struct numa_access){ .valid = true,
							     .attached = true,
							     .initiator = (uint32_t)att,
							     .initiators = 1ull << att,
							     .perf = t->matrix[att][n] };
				continue;
			}
			select_best(t, n, c == 0 ? inits : inits & cpu_nodes, acc);
		}
	}
}

status_t numa_build(struct numa_topology *t, const struct srat_info *srat,
		    const struct slit_info *slit, const struct hmat_info *hmat, struct out *log)
{
	if (!t)
		return ST_INVALID;
	memset(t, 0, sizeof *t);
	if (srat && srat->n_pxm)
		build_from_srat(t, srat);
	else
		t->n_nodes = 1; /* node 0, pxm 0, every address */
	if (slit)
		apply_slit(t, slit, log);
	if (hmat)
		choose_access(t, hmat, apply_hmat(t, hmat, log));
	return ST_OK;
}
