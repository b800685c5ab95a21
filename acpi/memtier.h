/* SPDX-License-Identifier: BSD-2-Clause */
/* memtier.h - memory tiers: each memory node's abstract distance from HMAT figures, nodes
 * grouped into tiers, and each node's demotion targets, computed the way Linux 6.x does it
 * (mm/memory-tiers.c, drivers/acpi/numa/hmat.c, drivers/dax/kmem.c; restated in docs/acpi.md).
 *
 * Abstract distance ("adistance"): smaller is faster. Linux's constants:
 *   MEMTIER_CHUNK_BITS 7: a tier covers 128 adistance values, tier id = adistance >> 7;
 *   MEMTIER_ADISTANCE_DRAM 576 (4 * 128 + 64): the default DRAM tier, id 4;
 *   MEMTIER_DEFAULT_DAX_ADISTANCE 2880 (576 * 5): memory onlined through dax kmem without
 *   better information, id 22.
 * Which adistance a memory node gets:
 *   - a node with CPUs and memory is default DRAM: 576 ("cpu");
 *   - otherwise, when a DRAM performance reference exists and the node's access1 (CPU
 *     initiator) figures have a non-zero latency sum and bandwidth sum:
 *       576 * (rl + wl) / (ref_rl + ref_wl) * (ref_rb + ref_wb) / (rb + wb)
 *     evaluated left to right in integers, as Linux does ("hmat");
 *   - otherwise 2880 for a node whose memory comes from SP memory through dax ("dax-default",
 *     the caller says which nodes with numa_topology.sp_nodes), else 576 ("dram-default").
 * The DRAM reference: the access1 figures of the first node (lowest id) with CPUs and memory
 * that the HMAT describes. A later such node whose any figure differs from the reference by
 * more than 10% disables the HMAT-based computation for every node (Linux prints "the
 * performance of DRAM node N mismatches that of the reference DRAM node M"). A described CPU
 * node without a latency or bandwidth figure ends the search.
 * Demotion: a node's preferred targets are the nodes of the next slower tier that are nearest
 * to it by numa_distance() (ties all kept); the slowest tier demotes nowhere.
 * Pure: no allocation, no globals. */
#ifndef SPMK_ACPI_MEMTIER_H
#define SPMK_ACPI_MEMTIER_H

#include <stdbool.h>
#include <stdint.h>

#include "acpi/numa.h"
#include "lib/out.h"

#define MEMTIER_CHUNK_BITS 7
#define MEMTIER_CHUNK_SIZE (1u << MEMTIER_CHUNK_BITS)
#define MEMTIER_ADISTANCE_DRAM (4u * MEMTIER_CHUNK_SIZE + (MEMTIER_CHUNK_SIZE >> 1))
#define MEMTIER_DEFAULT_DAX_ADISTANCE (MEMTIER_ADISTANCE_DRAM * 5u)
#define MEMTIER_ADISTANCE_MAX 0x7fffffffu /* Linux keeps adistance in an int */

enum memtier_source {
	MEMTIER_NONE,         /* no memory: in no tier */
	MEMTIER_CPU,          /* CPUs and memory: default DRAM */
	MEMTIER_HMAT,         /* computed from HMAT access1 figures */
	MEMTIER_DAX_DEFAULT,  /* SP memory without usable figures */
	MEMTIER_DRAM_DEFAULT, /* memory-only boot memory without usable figures */
};

struct memtier_node {
	enum memtier_source source;
	uint32_t adistance;
	uint32_t tier;     /* adistance >> MEMTIER_CHUNK_BITS */
	uint64_t demotion; /* preferred demotion targets, a node mask */
};

struct memtier_info {
	bool have_ref;         /* a DRAM performance reference is in use */
	uint32_t ref_node;     /* its node (valid when have_ref) */
	int32_t mismatch_node; /* -1, or the CPU node that disabled the computation */
	uint32_t n_tiers;
	uint32_t tiers[NUMA_MAX_NODES]; /* the tier ids that have nodes, ascending */
	struct memtier_node node[NUMA_MAX_NODES];
};

/* Fills *mi from topology t (nodes, access1 figures, distances, t->sp_nodes). Errors:
 * ST_INVALID (t or mi NULL, or more than NUMA_MAX_NODES nodes). An adistance that would not
 * fit Linux's int is clamped to MEMTIER_ADISTANCE_MAX. */
status_t memtier_build(const struct numa_topology *t, struct memtier_info *mi);

/* The `numa` text section ("memory tiers ...", one line per tier and per node) or, with json,
 * the value of numa -j's "memory_tiers" key: [{"tier":4,"adistance_start":512,"nodes":[{"node":0,
 * "adistance":576,"source":"cpu","demotion_targets":[1]}]}] (targets omitted when none). */
void memtier_print(const struct numa_topology *t, const struct memtier_info *mi, struct out *o,
		   bool json);

/* "cpu", "hmat", "dax-default", "dram-default" or "none". */
const char *memtier_source_str(enum memtier_source s);

#endif
