/* SPDX-License-Identifier: BSD-2-Clause */
/* spmk/topology.h - the machine as the firmware describes it: nodes, CPUs, HMAT figures,
 * memory-side caches and distances (SRAT, SLIT, HMAT; ACPI 6.5 §5.2.16, §5.2.17, §5.2.28).
 * Figures are what the firmware claims, not measurements; 0 means "not given". */
#ifndef SPMK_TOPOLOGY_H
#define SPMK_TOPOLOGY_H

#include <stdint.h>

#define SPMK_MAX_NODES 64
#define SPMK_NODE_CACHES 4

struct spmk_topo {
	uint32_t n_nodes; /* node ids are 0 .. n_nodes - 1 */
	uint32_t n_cpus;
	uint32_t has_hmat; /* 1 when an HMAT was accepted */
	uint32_t has_slit;
};

/* HMAT performance: latency in ns, bandwidth in MB/s. */
struct spmk_perf {
	uint32_t read_latency, write_latency;
	uint32_t read_bandwidth, write_bandwidth;
};

/* Best access from an initiator class (Linux access0: any initiator; access1: CPUs only). */
struct spmk_access {
	uint32_t valid;
	uint32_t initiator; /* node of the best initiator */
	struct spmk_perf perf;
};

struct spmk_cache {
	uint64_t size; /* bytes */
	uint32_t level;
	uint32_t line_size; /* bytes */
};

#define SPMK_NODE_CPU 1u    /* has CPUs (an initiator) */
#define SPMK_NODE_MEMORY 2u /* has memory */
#define SPMK_NODE_SP 4u     /* holds specific-purpose memory */
#define SPMK_NODE_HMAT 8u   /* the HMAT describes it as a memory target */

struct spmk_node {
	uint32_t node, pxm;
	uint32_t flags; /* SPMK_NODE_* */
	uint32_t n_cpus;
	uint64_t mem_bytes;  /* memory in the node's SRAT ranges */
	uint64_t free_bytes; /* free in the page allocator now (hand-off memory included) */
	struct spmk_access access[2];
	uint32_t n_caches; /* memory-side caches, at most SPMK_NODE_CACHES reported */
	uint32_t reserved;
	struct spmk_cache caches[SPMK_NODE_CACHES];
};

/* One cell of the full matrix: HMAT figures from initiator to target, and the SLIT distance. */
struct spmk_pair {
	struct spmk_perf perf;
	uint32_t distance; /* 10 local; 20 remote when the SLIT says nothing */
	uint32_t reserved;
};

/* Each returns 0 or a negative spmk_error. */
long spmk_topo(struct spmk_topo *out);
long spmk_node(unsigned node, struct spmk_node *out);
long spmk_pair(unsigned initiator, unsigned target, struct spmk_pair *out);

#endif
