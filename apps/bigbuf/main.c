/* SPDX-License-Identifier: BSD-2-Clause */
/* bigbuf - the design's use case in one app: it wants a large buffer on the node with the
 * highest bandwidth (as the HMAT claims it from this CPU's node), claims a dax device there,
 * falls back to movable memory preferring that node when no device is free, uses the buffer
 * (writes a pattern, reads it back), and releases it cleanly (docs/apps.md).
 *
 *   bigbuf [--size BYTES]   (default 64M) */
#include "include/spmk/console.h"
#include "include/spmk/dax.h"
#include "include/spmk/errors.h"
#include "include/spmk/memory.h"
#include "include/spmk/topology.h"

#define MAX_DEVS 64

static struct spmk_dax_dev devs[MAX_DEVS];

/* The memory node with the highest claimed read bandwidth from `initiator`; *bw gets it. */
static unsigned fastest_node(const struct spmk_topo *t, unsigned initiator, uint32_t *bw)
{
	unsigned best = initiator;
	*bw = 0;
	for (unsigned n = 0; n < t->n_nodes; n++) {
		struct spmk_node nd;
		struct spmk_pair pr;
		if (spmk_node(n, &nd) != 0 || !(nd.flags & SPMK_NODE_MEMORY) ||
		    spmk_pair(initiator, n, &pr) != 0)
			continue;
		if (pr.perf.read_bandwidth > *bw) {
			*bw = pr.perf.read_bandwidth;
			best = n;
		}
	}
	return best;
}

/* Writes a pattern over the buffer and checks it; returns the words that differ. */
static uint64_t use(uint64_t *p, uint64_t bytes, uint64_t *ns)
{
	uint64_t t0 = spmk_clock_ns(), bad = 0;
	for (uint64_t i = 0; i < bytes / 8; i++)
		p[i] = i ^ 0x5a5a5a5a5a5a5a5aull;
	for (uint64_t i = 0; i < bytes / 8; i++)
		bad += p[i] != (i ^ 0x5a5a5a5a5a5a5a5aull);
	*ns = spmk_clock_ns() - t0;
	return bad;
}

int main(int argc, char **argv)
{
	uint64_t want = 64u << 20;
	if (argc == 3 && !spmk_strcmp(argv[1], "--size")) {
		if (spmk_parse_size(argv[2], &want) != 0 || want == 0 || want % 4096) {
			spmk_printf("bigbuf: --size wants a multiple of 4K\n");
			return 2;
		}
	} else if (argc != 1) {
		spmk_printf("usage: bigbuf [--size BYTES]\n");
		return 2;
	}
	struct spmk_topo t;
	if (spmk_topo(&t) != 0)
		return 1;
	unsigned initiator = 0;
	for (unsigned n = t.n_nodes; n-- > 0;) {
		struct spmk_node nd;
		if (spmk_node(n, &nd) == 0 && (nd.flags & SPMK_NODE_CPU))
			initiator = n;
	}
	uint32_t bw;
	unsigned node = fastest_node(&t, initiator, &bw);
	spmk_printf("bigbuf: %lu MiB wanted on node %u, the highest bandwidth from node %u "
		    "(%u MB/s claimed)\n",
		    (unsigned long)(want >> 20), node, initiator, bw);
	long ndev = spmk_dax_list(devs, MAX_DEVS), handle = -1;
	uint64_t *buf = 0;
	for (long i = 0; i < ndev && i < MAX_DEVS && !buf; i++) {
		const struct spmk_dax_dev *d = &devs[i];
		if (d->node != (int32_t)node || d->size < want ||
		    (d->flags & (SPMK_DAX_CLAIMED | SPMK_DAX_SYSTEM_RAM)))
			continue;
		handle = spmk_dax_claim(d->name);
		if (handle < 0)
			continue;
		if (spmk_dax_map(handle, (void **)&buf) != 0) {
			spmk_dax_release(handle);
			handle = -1;
			continue;
		}
		spmk_printf("bigbuf: claimed %s (%lu MiB, %lu KiB pages) at %p\n", d->name,
			    (unsigned long)(d->size >> 20), (unsigned long)(d->align >> 10),
			    (void *)buf);
	}
	if (!buf) {
		long r = spmk_mem_alloc(want, (int)node, SPMK_MEM_MOVABLE, (void **)&buf);
		if (r != 0) {
			spmk_printf("bigbuf: no dax device free on node %u and no memory: %s\n",
				    node, spmk_strerror(r));
			return 1;
		}
		spmk_printf(
			"bigbuf: no dax device free on node %u; fell back to movable memory at %p "
			"(on node %ld)\n",
			node, (void *)buf, spmk_mem_node(buf));
	}
	uint64_t ns;
	uint64_t bad = use(buf, want, &ns);
	spmk_printf("bigbuf: wrote and checked %lu MiB in %lu ms, %lu words differ\n",
		    (unsigned long)(want >> 20), (unsigned long)(ns / 1000000), (unsigned long)bad);
	long r = handle >= 0 ? spmk_dax_release(handle) : spmk_mem_free(buf);
	spmk_printf("bigbuf: %s %s\n", handle >= 0 ? "released the device:" : "freed the memory:",
		    r ? spmk_strerror(r) : "ok");
	return bad || r ? 1 : 0;
}
