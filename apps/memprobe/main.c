/* SPDX-License-Identifier: BSD-2-Clause */
/* memprobe - for every memory node, claims a dax device there (or allocates movable memory
 * on the node, then unmovable), measures streaming read/write bandwidth and pointer-chase
 * latency from a CPU of the first CPU node, and prints them beside the HMAT's claims
 * (docs/apps.md).
 *
 *   memprobe [--json] [--size BYTES] [--chase BYTES] [--reps N]
 *     --size   bytes streamed per pass (default 16M)
 *     --chase  bytes of the random pointer chase (default 16M; at most --size); to measure
 *              latency rather than a cache, make it larger than the caches
 *     --reps   passes of each test (default 2)
 *     --json   one JSON line: per node "claimed" and "measured" (read_mbps, write_mbps,
 *              latency_ns), ratios and flags */
#include "apps/memprobe/memprobe.h"

#include "include/spmk/console.h"
#include "include/spmk/dax.h"
#include "include/spmk/errors.h"
#include "include/spmk/memory.h"

#define MAX_DEVS 64

static struct mp_node nodes[SPMK_MAX_NODES];
static struct spmk_dax_dev devs[MAX_DEVS];

static int usage(const char *why)
{
	spmk_printf("memprobe: %s\nusage: memprobe [--json] [--size BYTES] [--chase BYTES] [--reps "
		    "N]\n",
		    why);
	return 2;
}

static int parse(int argc, char **argv, struct mp_options *o)
{
	*o = (struct mp_options){ 16u << 20, 16u << 20, 2, false };
	for (int i = 1; i < argc; i++) {
		uint64_t *dst = 0;
		if (!spmk_strcmp(argv[i], "--json"))
			o->json = true;
		else if (!spmk_strcmp(argv[i], "--size"))
			dst = &o->size;
		else if (!spmk_strcmp(argv[i], "--chase"))
			dst = &o->chase;
		else if (!spmk_strcmp(argv[i], "--reps"))
			dst = &o->reps;
		else
			return usage("unknown option");
		if (dst && (++i == argc || spmk_parse_size(argv[i], dst) != 0))
			return usage("an option wants a number (K, M, G suffixes allowed)");
	}
	if (o->size < 4096 || o->size > (4ull << 30) || o->size % 4096)
		return usage("--size must be a multiple of 4K from 4K to 4G");
	if (o->chase < 2 * MP_LINE || o->chase > o->size || o->chase % MP_LINE)
		return usage("--chase must be a multiple of 64 from 128 to --size");
	if (o->reps < 1 || o->reps > 1000)
		return usage("--reps must be 1..1000");
	return 0;
}

/* A buffer of o->size bytes on node n: a dax device there, else movable, else unmovable
 * memory on the node. *handle >= 0 for a claim, else *mem is an allocation. */
static uint8_t *buffer_get(struct mp_node *p, long ndev, const struct mp_options *o, long *handle,
			   void **mem)
{
	*handle = -1;
	*mem = 0;
	for (long i = 0; i < ndev && i < MAX_DEVS; i++) {
		const struct spmk_dax_dev *d = &devs[i];
		if (d->node != (int32_t)p->node ||
		    (d->flags & (SPMK_DAX_CLAIMED | SPMK_DAX_SYSTEM_RAM)) || d->size < o->size)
			continue;
		long h = spmk_dax_claim(d->name);
		void *va;
		if (h < 0)
			continue;
		if (spmk_dax_map(h, &va) < 0) {
			spmk_dax_release(h);
			continue;
		}
		*handle = h;
		spmk_snprintf(p->memory, sizeof p->memory, "%s", d->name);
		return va;
	}
	static const unsigned tries[] = { SPMK_MEM_MOVABLE | SPMK_MEM_THISNODE, SPMK_MEM_THISNODE };
	for (int t = 0; t < 2; t++)
		if (spmk_mem_alloc(o->size, (int)p->node, tries[t], mem) == 0) {
			spmk_snprintf(p->memory, sizeof p->memory, t ? "unmovable" : "movable");
			return *mem;
		}
	spmk_snprintf(p->memory, sizeof p->memory, "none-free");
	return 0;
}

static void claims_of(unsigned initiator, unsigned node, struct mp_figures *c)
{
	struct spmk_pair pr;
	*c = (struct mp_figures){ 0, 0, 0 };
	if (spmk_pair(initiator, node, &pr) != 0)
		return;
	c->read_mbps = pr.perf.read_bandwidth;
	c->write_mbps = pr.perf.write_bandwidth;
	c->latency_ps = pr.perf.read_latency; /* ns; report.c scales claims by 1000 */
}

int main(int argc, char **argv)
{
	struct mp_options o;
	int bad = parse(argc, argv, &o);
	if (bad)
		return bad;
	struct spmk_topo t;
	long r = spmk_topo(&t);
	if (r < 0) {
		spmk_printf("memprobe: topology: %s\n", spmk_strerror(r));
		return 1;
	}
	unsigned initiator = 0, count = 0;
	for (unsigned n = t.n_nodes; n-- > 0;) {
		struct spmk_node nd;
		if (spmk_node(n, &nd) == 0 && (nd.flags & SPMK_NODE_CPU))
			initiator = n;
	}
	long ndev = spmk_dax_list(devs, MAX_DEVS);
	if (ndev < 0)
		ndev = 0;
	for (unsigned n = 0; n < t.n_nodes && n < SPMK_MAX_NODES; n++) {
		struct spmk_node nd;
		if (spmk_node(n, &nd) != 0 || !(nd.flags & SPMK_NODE_MEMORY))
			continue;
		struct mp_node *p = &nodes[count++];
		p->node = n;
		claims_of(initiator, n, &p->claimed);
		long handle;
		void *mem;
		uint8_t *buf = buffer_get(p, ndev, &o, &handle, &mem);
		if (!buf)
			continue;
		if (!o.json)
			spmk_printf("memprobe: node %u (%s)...\n", n, p->memory);
		mp_measure(buf, &o, &p->measured_f);
		p->measured = true;
		if (handle >= 0)
			r = spmk_dax_release(handle);
		else
			r = spmk_mem_free(mem);
		if (r < 0)
			spmk_printf("memprobe: giving back node %u's memory: %s\n", n,
				    spmk_strerror(r));
	}
	mp_report(nodes, count, &o, initiator);
	return 0;
}
