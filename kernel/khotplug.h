/* SPDX-License-Identifier: BSD-2-Clause */
/* khotplug.h - kernel glue of hand-off/reclaim and movable memory objects: the page-table,
 * direct-map, copy and scrub operations, each object's virtual window, and the hook that tells
 * the hand-off code which hot-added blocks the page allocator zeroed (dirty blocks). */
#ifndef SPMK_KERNEL_KHOTPLUG_H
#define SPMK_KERNEL_KHOTPLUG_H

#include <stdint.h>

/* Object windows: object slot s, page i lives at MEMOBJ_WINDOW_BASE + s * MEMOBJ_WINDOW_SLOT
 * + i * 4 KiB (64 slots of 64 GiB: PML4 slots 448..455). */
#define MEMOBJ_WINDOW_BASE 0xffffe00000000000ull
#define MEMOBJ_WINDOW_SLOT (64ull << 30)

/* Where migration's time goes (bench hotplug): TSC ticks spent in the page copies and in the
 * PTE switches (freeze and remap) of the memory-object operations, and how many; reset by the
 * caller. Plain counters: exact when one CPU migrates at a time, as in bench hotplug. */
struct khotplug_prof {
	uint64_t copy_tsc, copies, remap_tsc, remaps, flushes;
};
extern struct khotplug_prof khotplug_prof;

/* Sets up K.objs and K.hotplug; call after init_sp. */
void khotplug_init(void);

#endif
