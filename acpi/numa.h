/* SPDX-License-Identifier: BSD-2-Clause */
/* numa.h - NUMA topology built from SRAT, SLIT and HMAT: nodes, CPUs, memory ranges,
 * distances, per-node best initiators (access classes 0 and 1), memory-side caches and the
 * full initiator x target performance matrix.
 *
 * Nodes. Proximity domains become node ids 0, 1, ... in order of first appearance in the SRAT.
 * Without an SRAT the topology has one node 0 (pxm 0) that covers every address.
 * CPUs are numbered in SRAT order (cpu index = position in cpus[]). Memory ranges live in one
 * public array, each tagged with its node; the caller may append more with numa_add_range()
 * (flags from NUMA_MEM_CALLER up are the caller's own).
 *
 * Access classes (the rules Linux documents for /sys/devices/system/node/nodeX/accessY and
 * applies in drivers/acpi/numa/hmat.c; restated in docs/acpi.md). For a memory node T:
 *   class 0 considers every initiator; class 1 only initiators whose node has CPUs.
 *   1. If an HMAT memory proximity domain attributes structure gives T an attached initiator
 *      that is a node (and, for class 1, has CPUs), that initiator is chosen, with its own
 *      figures towards T.
 *   2. Otherwise the candidates are the initiator nodes of the memory-hierarchy SLLBI data.
 *      They are filtered by write latency, read latency, write bandwidth, read bandwidth in
 *      that order: for each metric, if any candidate has a figure, only those with the best
 *      figure (lowest latency, highest bandwidth) stay, and that best figure is recorded.
 *   3. Ties stay tied: `initiators` holds every surviving node as a bit mask; `initiator` is
 *      the lowest of them. If no candidate has any figure the class is absent (valid false).
 *
 * matrix[i][t] holds HMAT figures from initiator node i to target node t (0: no data).
 * Sizes: with the fixed maximums below a struct numa_topology is about 90 KiB; keep it static. */
#ifndef SPMK_ACPI_NUMA_H
#define SPMK_ACPI_NUMA_H

#include <stdbool.h>
#include <stdint.h>

#include "acpi/hmat.h"
#include "acpi/madt.h"
#include "acpi/slit.h"
#include "acpi/srat.h"
#include "lib/out.h"
#include "lib/status.h"
#include "lib/types.h"

#define NUMA_MAX_NODES 64
#define NUMA_MAX_CPUS 256
#define NUMA_MAX_RANGES 320
#define NUMA_NODE_MAX_CACHES 8
#define NUMA_LOCAL_DISTANCE 10
#define NUMA_REMOTE_DISTANCE 20
#define NUMA_UNREACHABLE 255

#define NUMA_MEM_HOTPLUG 1u
#define NUMA_MEM_NONVOLATILE 2u
#define NUMA_MEM_POSSIBLE 4u   /* hot-pluggable and not in the memory map: possible, not present */
#define NUMA_MEM_CALLER 0x100u /* first flag bit left to the caller */

struct numa_range {
	struct range r;
	uint32_t node;
	uint32_t flags;
};

struct numa_cpu {
	uint32_t apic_id;
	uint32_t node;
	bool x2apic;
};

struct numa_access {
	bool valid;
	bool attached;       /* chosen by rule 1 (HMAT attached initiator) */
	uint32_t initiator;  /* node id (lowest of a tie) */
	uint64_t initiators; /* bit mask of node ids that tie for best */
	struct hmat_perf perf;
};

struct numa_node {
	uint32_t pxm;
	bool has_cpu;
	bool has_memory;
	bool generic_initiator;
	bool hmat_target; /* HMAT describes this node as a memory target */
	struct numa_access access[2];
	uint32_t n_caches;
	struct hmat_cache caches[NUMA_NODE_MAX_CACHES]; /* sorted by level */
};

struct numa_topology {
	bool from_srat, has_slit, has_hmat;
	bool srat_rejected; /* set by the caller: an SRAT exists but its parser rejected it */
	uint32_t n_nodes, n_cpus, n_ranges;
	struct numa_node nodes[NUMA_MAX_NODES];
	struct numa_cpu cpus[NUMA_MAX_CPUS];
	struct numa_range ranges[NUMA_MAX_RANGES];
	uint8_t dist[NUMA_MAX_NODES][NUMA_MAX_NODES];            /* from SLIT; 0: not given */
	struct hmat_perf matrix[NUMA_MAX_NODES][NUMA_MAX_NODES]; /* [initiator][target] */
	/* Set by the caller after numa_build (0 before): nodes that hold SP memory, which reaches
	 * the page allocator through a dax device as in Linux's dax kmem; acpi/memtier.h gives
	 * them kmem's default abstract distance when the HMAT says too little. */
	uint64_t sp_nodes;
};

/* Builds *t. srat may be NULL (or empty): one node 0. slit and hmat may be NULL. Data for
 * proximity domains the SRAT does not know is ignored with a LOG_NOTICE. Errors: ST_INVALID
 * (t NULL). Never fails on table content: the tables were validated by their parsers. */
status_t numa_build(struct numa_topology *t, const struct srat_info *srat,
		    const struct slit_info *slit, const struct hmat_info *hmat, struct out *log);

/* Node of a proximity domain, or -1. */
int numa_node_of_pxm(const struct numa_topology *t, uint32_t pxm);
/* Node whose memory range holds paddr (first match), 0 for any address without an SRAT, or -1. */
int numa_node_of_addr(const struct numa_topology *t, uint64_t paddr);
/* SLIT distance when given for both domains, else 10 (same node) / 20; 255 for a bad node. */
uint32_t numa_distance(const struct numa_topology *t, uint32_t a, uint32_t b);
/* True if the HMAT describes this node as a memory target. */
bool numa_has_hmat(const struct numa_topology *t, uint32_t node);
/* Memory and no CPUs. */
bool numa_memory_only(const struct numa_topology *t, uint32_t node);
/* Appends [base, end) to node. Errors: ST_INVALID (bad node, empty range), ST_NOMEM (full). */
status_t numa_add_range(struct numa_topology *t, uint32_t node, uint64_t base, uint64_t end,
			uint32_t flags);

/* Present and possible memory, the fallback node (numa_present.c).
 *
 * numa_fallback_cpus: without a usable SRAT the single node 0 holds every CPU of the MADT
 * (madt may be NULL: no CPUs known). Does nothing when the topology came from an SRAT.
 *
 * numa_set_present: present[] is the memory the memory map holds (sorted, disjoint,
 * non-empty; bytes). Without a usable SRAT node 0 gets all of it (touching ranges merged), so
 * the fallback node shows what the page allocator will hold. With an SRAT, every
 * hot-pluggable range is split at the edges of present memory and its parts outside it are
 * flagged NUMA_MEM_POSSIBLE: memory the firmware may add later, apart from present memory
 * (as Linux keeps numa_reserved_meminfo apart from numa_meminfo). Other ranges are left as
 * the SRAT gave them. Errors: ST_INVALID (t NULL, present NULL with n > 0, present not
 * sorted, disjoint and non-empty; nothing changed), ST_NOMEM (more than NUMA_MAX_RANGES
 * ranges needed: logged, the ranges not yet split keep their flags). */
void numa_fallback_cpus(struct numa_topology *t, const struct madt_info *madt);
status_t numa_set_present(struct numa_topology *t, const struct range *present, size_t n,
			  struct out *log);

/* Shell `numa` (json false: a table per node, distances, matrix, memory tiers) and `numa -j`
 * (one line of JSON, shape in docs/acpi.md, ending in a newline). */
void numa_print(const struct numa_topology *t, struct out *o, bool json);

#endif
