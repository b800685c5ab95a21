/* SPDX-License-Identifier: BSD-2-Clause */
/* hotplug_sim.h - a simulated machine for the host tests of mm/memobj, mm/migrate and
 * mm/hotplug: the real buddy and dax allocators over a malloc'd "physical memory" arena.
 *
 * Layout (pfns): node 0 RAM [256, 2304), node 2 RAM [2304, 3328), an SP region of node 1 at
 * [4096, 8192) (16 MiB = 8 blocks of 2 MiB) with one devdax device. Distances: 1-0 20,
 * 1-2 30, 0-2 25. Object mappings are per-slot pfn arrays (the "page tables"); the direct map
 * is one flag per pfn; copy, scrub, zero and junk fill (debug builds) work on the arena. Fake
 * hardware checks its own preconditions (mapping twice, remapping nothing, scrubbing unmapped
 * memory fail the test).
 * Every map (object page, direct map, dax window) may need a page-table page in the kernel,
 * so each one is a use of FAULT_PT_ALLOC (lib/fault.h) and fails with ST_NOMEM, having
 * changed nothing, when that point is armed. */
#ifndef SPMK_TESTS_HOTPLUG_SIM_H
#define SPMK_TESTS_HOTPLUG_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "capture.h"
#include "lib/fault.h"
#include "mm/dax.h"
#include "mm/hotplug.h"
#include "mm/memobj.h"
#include "mm/migrate.h"

#define SIM_PAGES 8192u
#define SIM_RAM0 256u
#define SIM_RAM0_N 2048u
#define SIM_RAM2 2304u
#define SIM_RAM2_N 1024u
#define SIM_OBJ_SLOTS 256u /* object windows of the simulator (memobj_set_growth in tests) */
#define SIM_SP 4096u
#define SIM_SP_N 4096u
#define SIM_MAXP 8192u /* pages per object the simulated page tables hold */

struct sim {
	struct buddy b;
	struct dax dax;
	struct memobj_set objs;
	struct hotplug hp;
	struct capture log;
	uint8_t *mem;                /* SIM_PAGES * 4 KiB */
	uint8_t direct[SIM_PAGES];   /* in the direct map */
	uint64_t *pt[SIM_OBJ_SLOTS]; /* pt[slot][index] = pfn or UINT64_MAX */
	uint64_t *meta0, *meta2;
	unsigned remaps, zeroes;       /* zeroes: atomic */
	unsigned flushes, unflushed;   /* TLB flushes; remaps since the last one */
	uint64_t stale[MIGRATE_BATCH]; /* old pfns of those remaps (a TLB may still reach them) */
	int fail_remap;                /* > 0: the nth remap from now fails */
	/* mapped dax windows: leaves chosen as the kernel's vm_map does (the largest page that
	 * max_page, alignment and the remaining size allow), with a dirty bit per leaf, set only
	 * by a write through the window (sim_win_write) and reported by unmap, as the MMU's D bit */
	struct sim_win {
		uint64_t va, pa, size, max_page;
		uint8_t *dirty; /* per 4 KiB page of the window; every page of a leaf alike */
	} win[DAX_INIT_DEVICES];
	/* object pages and direct-map pages mapped (atomics: the CPUs of test_stress_mp map
	 * pages of their own objects at once) */
	uint64_t obj_mapped, direct_mapped;
};

/* Where a randomized test is (seed, step), printed in front of sim_check's failures. */
extern char sim_where[64];

/* A fresh machine (calloc'd; the test fails on any setup error), and its release. */
struct sim *sim_new(void);
void sim_free(struct sim *s);

/* The arena bytes of page pfn (< SIM_PAGES, asserted). */
uint8_t *sim_page(struct sim *s, uint64_t pfn);
/* The arena bytes behind dax window address va, for reading len bytes inside one mapped
 * window; fails the test (a page fault) otherwise. */
uint8_t *sim_win(struct sim *s, uint64_t va, uint64_t len);
/* The same for writing: the MMU sets the dirty bit of every leaf the write touches. */
uint8_t *sim_win_write(struct sim *s, uint64_t va, uint64_t len);
/* Mapped dax windows, direct-mapped pages and mapped object pages (the stress digest's
 * environment counters: a refused operation leaves them as they were). */
void sim_env(void *ctx, uint64_t out[4]);
/* The simulated machine's object ops (struct memobj_ops, ctx = the struct sim), for tests that
 * wrap them: remap, TLB flush (fails the test when a page a stale entry may reach was freed),
 * page copy, forward lookup. */
status_t sim_remap(void *ctx, unsigned slot, uint64_t i, pfn_t old_pfn, pfn_t new_pfn);
void sim_flush(void *ctx);
void sim_copy(void *ctx, pfn_t dst, pfn_t src);
status_t sim_lookup(void *ctx, unsigned slot, uint64_t i, pfn_t *pfn);
/* Free pages of node (-1: all nodes). */
uint64_t sim_free_pages(struct sim *s, int node);

/* Every invariant: allocators, records, objects intact, each page in exactly one place,
 * direct map = managed memory, unclaimed devdax memory holds no data (when check_zero;
 * claimed devices hold their owner's) except where the dax allocator still owes a deferred
 * scrub (zeroed by the next claim). Fails the running test, prefixed with sim_where. */
void sim_check(struct sim *s, bool check_zero);

#endif
