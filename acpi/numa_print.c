/* SPDX-License-Identifier: BSD-2-Clause */
/* numa_print.c - `numa` text tables and `numa -j` one-line JSON (see numa.h, docs/acpi.md).
 *
 * Output is written in pieces (each well under the 512-byte line limit of out_printf), so the
 * JSON line can be any length. Absent data is omitted: empty cpus/memory/caches arrays, absent
 * access classes and zero figures are not printed. */
#include "acpi/numa.h"

#include "acpi/memtier.h"

static const char *const metric_key[HMAT_METRICS] = { "read_latency", "write_latency",
						      "read_bandwidth", "write_bandwidth" };

static const char *assoc_str(uint8_t a)
{
	return a == 0 ? "none" : a == 1 ? "direct" : a == 2 ? "complex" : "unknown";
}

static const char *policy_str(uint8_t p)
{
	return p == 0 ? "none" : p == 1 ? "write-back" : p == 2 ? "write-through" : "unknown";
}

static bool perf_any(const struct hmat_perf *p)
{
	for (int m = 0; m < HMAT_METRICS; m++)
		if (p->v[m])
			return true;
	return false;
}

static void json_perf(struct out *o, const struct hmat_perf *p)
{
	for (int m = 0; m < HMAT_METRICS; m++)
		if (p->v[m])
			out_printf(o, ",\"%s\":%u", metric_key[m], p->v[m]);
}

/* The node's present ("memory") or possible ("possible_memory") ranges; nothing when none. */
static void json_ranges(const struct numa_topology *t, uint32_t n, const char *key, bool possible,
			struct out *o)
{
	bool first = true;
	for (uint32_t r = 0; r < t->n_ranges; r++) {
		const struct numa_range *rg = &t->ranges[r];
		if (rg->node != n || !(rg->flags & NUMA_MEM_POSSIBLE) != !possible)
			continue;
		out_printf(o, "%s%s%s{\"base\":\"0x%llx\",\"size\":%llu%s}", first ? ",\"" : ",",
			   first ? key : "", first ? "\":[" : "", (unsigned long long)rg->r.base,
			   (unsigned long long)range_size(rg->r),
			   rg->flags & NUMA_MEM_HOTPLUG ? ",\"hotplug\":true" : "");
		first = false;
	}
	if (!first)
		out_printf(o, "]");
}

static void json_node(const struct numa_topology *t, uint32_t n, struct out *o)
{
	const struct numa_node *nd = &t->nodes[n];
	out_printf(o, "%s{\"node\":%u,\"pxm\":%u", n ? "," : "", n, nd->pxm);
	const char *sep = ",\"cpus\":[";
	for (uint32_t c = 0; c < t->n_cpus; c++) {
		if (t->cpus[c].node != n)
			continue;
		out_printf(o, "%s%u", sep, c);
		sep = ",";
	}
	if (sep[0] == ',' && sep[1] == '\0')
		out_printf(o, "]");
	json_ranges(t, n, "memory", false, o);
	json_ranges(t, n, "possible_memory", true, o);
	for (int c = 0; c < 2; c++) {
		const struct numa_access *a = &nd->access[c];
		if (!a->valid)
			continue;
		out_printf(o, ",\"access%d\":{\"initiator\":%u,\"initiators\":[", c, a->initiator);
		sep = "";
		for (uint32_t i = 0; i < t->n_nodes && i < 64; i++) {
			if (!((a->initiators >> i) & 1))
				continue;
			out_printf(o, "%s%u", sep, i);
			sep = ",";
		}
		out_printf(o, "]");
		json_perf(o, &a->perf);
		out_printf(o, "}");
	}
	for (uint32_t k = 0; k < nd->n_caches; k++) {
		const struct hmat_cache *ca = &nd->caches[k];
		out_printf(
			o,
			"%s{\"level\":%u,\"size\":%llu,\"line_size\":%u,\"associativity\":\"%s\","
			"\"write_policy\":\"%s\"}",
			k ? "," : ",\"caches\":[", ca->level, (unsigned long long)ca->size,
			ca->line_size, assoc_str(ca->associativity), policy_str(ca->write_policy));
	}
	out_printf(o, "%s}", nd->n_caches ? "]" : "");
}

/* The memory tiers section (acpi/memtier.h). */
static void print_tiers(const struct numa_topology *t, struct out *o, bool json)
{
	struct memtier_info mi;
	if (memtier_build(t, &mi) != ST_OK) {
		out_printf(o, json ? "[]" : "memory tiers: none (too many nodes)\n");
		return;
	}
	memtier_print(t, &mi, o, json);
}

static void print_json(const struct numa_topology *t, struct out *o)
{
	out_printf(o, "{\"nodes\":[");
	for (uint32_t n = 0; n < t->n_nodes; n++)
		json_node(t, n, o);
	out_printf(o, "],\"matrix\":[");
	bool first = true;
	for (uint32_t i = 0; i < t->n_nodes; i++) {
		for (uint32_t j = 0; j < t->n_nodes; j++) {
			if (!perf_any(&t->matrix[i][j]))
				continue;
			out_printf(o, "%s{\"initiator\":%u,\"target\":%u", first ? "" : ",", i, j);
			json_perf(o, &t->matrix[i][j]);
			out_printf(o, "}");
			first = false;
		}
	}
	out_printf(o, "],\"memory_tiers\":");
	print_tiers(t, o, true);
	out_printf(o, "}\n");
}

static void text_perf(struct out *o, const struct hmat_perf *p)
{
	static const char *const label[HMAT_METRICS] = { "read latency", "write latency",
							 "read bandwidth", "write bandwidth" };
	const char *sep = "";
	for (int m = 0; m < HMAT_METRICS; m++) {
		if (!p->v[m])
			continue;
		out_printf(o, "%s%s %u %s", sep, label[m], p->v[m],
			   m <= HMAT_WRITE_LATENCY ? "ns" : "MB/s");
		sep = ", ";
	}
	if (!*sep)
		out_printf(o, "no figures");
}

static void text_node(const struct numa_topology *t, uint32_t n, struct out *o)
{
	const struct numa_node *nd = &t->nodes[n];
	out_printf(o, "node %u (pxm %u)%s%s%s\n", n, nd->pxm,
		   numa_memory_only(t, n) ? " memory-only" : "",
		   nd->generic_initiator ? " generic-initiator" : "",
		   nd->hmat_target ? " hmat" : "");
	out_printf(o, "  cpus:");
	for (uint32_t c = 0; c < t->n_cpus; c++)
		if (t->cpus[c].node == n)
			out_printf(o, " %u", c);
	out_printf(o, "\n");
	for (uint32_t r = 0; r < t->n_ranges; r++) {
		const struct numa_range *rg = &t->ranges[r];
		if (rg->node != n)
			continue;
		uint64_t sz = range_size(rg->r);
		out_printf(o, "  memory [0x%016llx-0x%016llx) %llu %s%s%s%s\n",
			   (unsigned long long)rg->r.base, (unsigned long long)rg->r.end,
			   (unsigned long long)(sz >= MiB ? sz >> 20 : sz >> 10),
			   sz >= MiB ? "MiB" : "KiB",
			   rg->flags & NUMA_MEM_HOTPLUG ? " hotplug" : "",
			   rg->flags & NUMA_MEM_POSSIBLE ? " possible (not present)" : "",
			   rg->flags & NUMA_MEM_NONVOLATILE ? " non-volatile" : "");
	}
	for (int c = 0; c < 2; c++) {
		const struct numa_access *a = &nd->access[c];
		if (!a->valid)
			continue;
		out_printf(o, "  access%d: initiator node", c);
		for (uint32_t i = 0; i < t->n_nodes && i < 64; i++)
			if ((a->initiators >> i) & 1)
				out_printf(o, " %u", i);
		out_printf(o, "%s: ", a->attached ? " (attached)" : "");
		text_perf(o, &a->perf);
		out_printf(o, "\n");
	}
	for (uint32_t k = 0; k < nd->n_caches; k++) {
		const struct hmat_cache *ca = &nd->caches[k];
		out_printf(o, "  cache L%u/%u: %llu bytes, line %u, %s, %s\n", ca->level,
			   ca->total_levels, (unsigned long long)ca->size, ca->line_size,
			   assoc_str(ca->associativity), policy_str(ca->write_policy));
	}
}

static void print_text(const struct numa_topology *t, struct out *o)
{
	out_printf(o, "%u node(s)%s%s%s\n", t->n_nodes,
		   t->from_srat       ? ", SRAT"
		   : t->srat_rejected ? ", SRAT rejected (one fallback node)"
				      : ", no SRAT",
		   t->has_slit ? ", SLIT" : "", t->has_hmat ? ", HMAT" : "");
	for (uint32_t n = 0; n < t->n_nodes; n++)
		text_node(t, n, o);
	out_printf(o, "distances:\n     ");
	for (uint32_t b = 0; b < t->n_nodes; b++)
		out_printf(o, "%4u", b);
	for (uint32_t a = 0; a < t->n_nodes; a++) {
		out_printf(o, "\n  %2u:", a);
		for (uint32_t b = 0; b < t->n_nodes; b++)
			out_printf(o, "%4u", numa_distance(t, a, b));
	}
	out_printf(o, "\nmatrix (initiator -> target):\n");
	for (uint32_t i = 0; i < t->n_nodes; i++) {
		for (uint32_t j = 0; j < t->n_nodes; j++) {
			if (!perf_any(&t->matrix[i][j]))
				continue;
			out_printf(o, "  %u -> %u: ", i, j);
			text_perf(o, &t->matrix[i][j]);
			out_printf(o, "\n");
		}
	}
	print_tiers(t, o, false);
}

void numa_print(const struct numa_topology *t, struct out *o, bool json)
{
	if (json)
		print_json(t, o);
	else
		print_text(t, o);
}
