/* SPDX-License-Identifier: BSD-2-Clause */
/* numa_hwloc.c - `numa --hwloc`: hwloc v2 XML of the NUMA topology (shape in numa_hwloc.h).
 *
 * gp_index (hwloc's object id inside the file): 1 is the Machine, 2 + n is node n's NUMANode,
 * 2 + NUMA_MAX_NODES + n its Package, then Core and PU of cpu c are 2 + 2 * NUMA_MAX_NODES +
 * 2 * c and the next one. memattr values name their target by that NUMANode gp_index. */
#include "acpi/numa_hwloc.h"

#define SET_WORDS (NUMA_MAX_CPUS / 32)

struct set {
	uint32_t w[SET_WORDS];
};

static void set_add(struct set *s, uint32_t bit)
{
	if (bit < NUMA_MAX_CPUS)
		s->w[bit / 32] |= 1u << (bit % 32);
}

/* hwloc's bitmap syntax: 32-bit words, most significant first, "0x%08x" joined by commas. */
static void print_set(struct out *o, const char *name, const struct set *s)
{
	int top = SET_WORDS - 1;
	while (top > 0 && !s->w[top])
		top--;
	out_printf(o, " %s=\"", name);
	for (int i = top; i >= 0; i--)
		out_printf(o, "0x%08x%s", s->w[i], i ? "," : "");
	out_printf(o, "\"");
}

struct hw {
	const struct numa_topology *t;
	struct out *o;
	bool fake_cpu; /* no CPU in the topology: CPU 0 on node 0 */
	uint32_t n_cpus;
	struct set all_cpus, all_nodes;
};

static uint32_t cpu_node(const struct hw *h, uint32_t c)
{
	return h->fake_cpu ? 0 : h->t->cpus[c].node;
}

static bool node_has_cpu(const struct hw *h, uint32_t n)
{
	return h->fake_cpu ? n == 0 : h->t->nodes[n].has_cpu;
}

static struct set node_cpus(const struct hw *h, uint32_t n)
{
	struct set s = { { 0 } };
	for (uint32_t c = 0; c < h->n_cpus; c++)
		if (cpu_node(h, c) == n)
			set_add(&s, c);
	return s;
}

/* The Package node n's memory hangs under: n itself, its access1 CPU initiator, or -1. */
static int home_package(const struct hw *h, uint32_t n)
{
	if (node_has_cpu(h, n))
		return (int)n;
	const struct numa_access *a = &h->t->nodes[n].access[1];
	if (a->valid && a->initiator < h->t->n_nodes && node_has_cpu(h, a->initiator))
		return (int)a->initiator;
	return -1;
}

static void sets(const struct hw *h, const struct set *cpus, const struct set *nodes)
{
	print_set(h->o, "cpuset", cpus);
	print_set(h->o, "complete_cpuset", cpus);
	print_set(h->o, "nodeset", nodes);
	print_set(h->o, "complete_nodeset", nodes);
}

static void numanode(const struct hw *h, uint32_t n, const struct set *cpus, const char *indent)
{
	uint64_t bytes = 0;
	for (uint32_t r = 0; r < h->t->n_ranges; r++) /* disjoint: the sum cannot overflow */
		if (h->t->ranges[r].node == n && !(h->t->ranges[r].flags & NUMA_MEM_POSSIBLE))
			bytes += range_size(h->t->ranges[r].r);
	struct set ns = { { 0 } };
	set_add(&ns, n);
	out_printf(h->o, "%s<object type=\"NUMANode\" os_index=\"%u\"", indent, n);
	sets(h, cpus, &ns);
	out_printf(h->o, " gp_index=\"%u\" local_memory=\"%llu\">\n", 2 + n,
		   (unsigned long long)bytes);
	out_printf(h->o, "%s  <page_type size=\"4096\" count=\"%llu\"/>\n", indent,
		   (unsigned long long)(bytes / 4096));
	out_printf(h->o, "%s</object>\n", indent);
}

static bool has_memory(const struct hw *h, uint32_t n)
{
	return h->t->nodes[n].has_memory || (h->fake_cpu && n == 0);
}

/* NUMANodes whose home is package p (-1: the Machine). */
static void memory_children(const struct hw *h, int p, const struct set *cpus, const char *indent)
{
	for (uint32_t n = 0; n < h->t->n_nodes; n++)
		if (has_memory(h, n) && home_package(h, n) == p)
			numanode(h, n, cpus, indent);
}

static void package(const struct hw *h, uint32_t p)
{
	struct set cpus = node_cpus(h, p), nodes = { { 0 } };
	for (uint32_t n = 0; n < h->t->n_nodes; n++)
		if (has_memory(h, n) && home_package(h, n) == (int)p)
			set_add(&nodes, n);
	out_printf(h->o, "    <object type=\"Package\" os_index=\"%u\"", p);
	sets(h, &cpus, &nodes);
	out_printf(h->o, " gp_index=\"%u\">\n", 2 + NUMA_MAX_NODES + p);
	memory_children(h, (int)p, &cpus, "      ");
	for (uint32_t c = 0; c < h->n_cpus; c++) {
		if (cpu_node(h, c) != p)
			continue;
		struct set one = { { 0 } };
		set_add(&one, c);
		uint32_t gp = 2 + 2 * NUMA_MAX_NODES + 2 * c;
		out_printf(h->o, "      <object type=\"Core\" os_index=\"%u\"", c);
		sets(h, &one, &nodes);
		out_printf(h->o, " gp_index=\"%u\">\n        <object type=\"PU\" os_index=\"%u\"",
			   gp, c);
		sets(h, &one, &nodes);
		out_printf(h->o, " gp_index=\"%u\"/>\n      </object>\n", gp + 1);
	}
	out_printf(h->o, "    </object>\n");
}

static uint32_t digits(uint32_t v)
{
	uint32_t d = 1;
	while (v >= 10) {
		v /= 10;
		d++;
	}
	return d;
}

/* hwloc reads `length` as the byte length of the element's text ("0 1 " is 4). */
static void distances(const struct hw *h)
{
	uint32_t nb = 0, ilen = 0, vlen = 0;
	for (uint32_t a = 0; a < h->t->n_nodes; a++) {
		if (!has_memory(h, a))
			continue;
		nb++;
		ilen += digits(a) + 1;
		for (uint32_t b = 0; b < h->t->n_nodes; b++)
			if (has_memory(h, b))
				vlen += digits(numa_distance(h->t, a, b)) + 1;
	}
	if (nb < 2)
		return;
	/* kind 5: HWLOC_DISTANCES_KIND_FROM_OS | HWLOC_DISTANCES_KIND_MEANS_LATENCY */
	out_printf(h->o,
		   "  <distances2 type=\"NUMANode\" nbobjs=\"%u\" kind=\"5\" name=\"NUMALatency\" "
		   "indexing=\"os\">\n    <indexes length=\"%u\">",
		   nb, ilen);
	for (uint32_t n = 0; n < h->t->n_nodes; n++)
		if (has_memory(h, n))
			out_printf(h->o, "%u ", n);
	out_printf(h->o, "</indexes>\n    <u64values length=\"%u\">", vlen);
	for (uint32_t a = 0; a < h->t->n_nodes; a++)
		for (uint32_t b = 0; has_memory(h, a) && b < h->t->n_nodes; b++)
			if (has_memory(h, b))
				out_printf(h->o, "%u ", numa_distance(h->t, a, b));
	out_printf(h->o, "</u64values>\n  </distances2>\n");
}

struct attr {
	const char *name;
	unsigned flags; /* 1 higher first, 2 lower first, 4 needs an initiator */
	int m1, m2;     /* HMAT metrics averaged (the same twice: one metric) */
};

static const struct attr attrs[] = {
	{ "Bandwidth", 5, HMAT_READ_BANDWIDTH, HMAT_WRITE_BANDWIDTH },
	{ "Latency", 6, HMAT_READ_LATENCY, HMAT_WRITE_LATENCY },
	{ "ReadBandwidth", 5, HMAT_READ_BANDWIDTH, HMAT_READ_BANDWIDTH },
	{ "WriteBandwidth", 5, HMAT_WRITE_BANDWIDTH, HMAT_WRITE_BANDWIDTH },
	{ "ReadLatency", 6, HMAT_READ_LATENCY, HMAT_READ_LATENCY },
	{ "WriteLatency", 6, HMAT_WRITE_LATENCY, HMAT_WRITE_LATENCY },
};

/* The attribute's value for one pair: the average of its metrics that are present; 0: none. */
static uint64_t attr_value(const struct attr *a, const struct hmat_perf *p)
{
	uint64_t x = p->v[a->m1], y = p->v[a->m2];
	if (x && y)
		return (x + y) / 2;
	return x ? x : y;
}

static void memattr(const struct hw *h, const struct attr *a)
{
	out_printf(h->o, "  <memattr name=\"%s\" flags=\"%u\">\n", a->name, a->flags);
	for (uint32_t tg = 0; tg < h->t->n_nodes; tg++) {
		if (!has_memory(h, tg))
			continue;
		for (uint32_t i = 0; i < h->t->n_nodes; i++) {
			uint64_t v = attr_value(a, &h->t->matrix[i][tg]);
			if (!v || !node_has_cpu(h, i))
				continue;
			struct set cpus = node_cpus(h, i);
			out_printf(h->o,
				   "    <memattr_value target_obj_type=\"NUMANode\" "
				   "target_obj_gp_index=\"%u\" value=\"%llu\"",
				   2 + tg, (unsigned long long)v);
			print_set(h->o, "initiator_cpuset", &cpus);
			out_printf(h->o, "/>\n");
		}
	}
	out_printf(h->o, "  </memattr>\n");
}

status_t numa_print_hwloc(const struct numa_topology *t, struct out *o)
{
	if (!t || !o)
		return ST_INVALID;
	struct hw h = { .t = t, .o = o, .fake_cpu = t->n_cpus == 0 };
	h.n_cpus = h.fake_cpu ? 1 : t->n_cpus;
	for (uint32_t c = 0; c < h.n_cpus; c++)
		set_add(&h.all_cpus, c);
	for (uint32_t n = 0; n < t->n_nodes; n++)
		if (has_memory(&h, n))
			set_add(&h.all_nodes, n);
	out_printf(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		      "<!DOCTYPE topology SYSTEM \"hwloc2.dtd\">\n<topology version=\"2.0\">\n"
		      "  <object type=\"Machine\" os_index=\"0\"");
	sets(&h, &h.all_cpus, &h.all_nodes);
	print_set(o, "allowed_cpuset", &h.all_cpus);
	print_set(o, "allowed_nodeset", &h.all_nodes);
	out_printf(o, " gp_index=\"1\">\n    <info name=\"Backend\" value=\"spmk\"/>\n");
	memory_children(&h, -1, &h.all_cpus, "    ");
	for (uint32_t p = 0; p < t->n_nodes; p++)
		if (node_has_cpu(&h, p))
			package(&h, p);
	out_printf(o, "  </object>\n");
	distances(&h);
	for (size_t a = 0; a < sizeof attrs / sizeof attrs[0]; a++)
		memattr(&h, &attrs[a]);
	out_printf(o, "</topology>\n");
	return ST_OK;
}
