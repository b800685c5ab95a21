/* SPDX-License-Identifier: BSD-2-Clause */
/* khotplug.h - kernel glue of hand-off/reclaim and movable memory objects: the page-table,
 * direct-map, copy and scrub operations, each object's virtual window, and the hook that tells
 * the hand-off code which hot-added blocks the page allocator zeroed (dirty blocks). */
#ifndef SPMK_KERNEL_KHOTPLUG_H
#define SPMK_KERNEL_KHOTPLUG_H

#include <stdint.h>

#include "mm/migrate.h"

/* Object windows: object slot s, page i lives at MEMOBJ_WINDOW_BASE + s * MEMOBJ_WINDOW_SLOT
 * + i * 4 KiB (256 slots of 64 GiB, 16 TiB: PML4 slots 448..479). The object table starts with
 * MEMOBJ_INIT_SLOTS and doubles from the kernel heap up to MEMOBJ_WINDOW_SLOTS. */
#define MEMOBJ_WINDOW_BASE 0xffffe00000000000ull
#define MEMOBJ_WINDOW_SLOT (64ull << 30)
#define MEMOBJ_WINDOW_SLOTS 256u

/* Where migration's time goes (bench hotplug): TSC ticks per phase of the protocol
 * (memobj_ops.phase, enum migrate_phase), the part of the flushes spent in shootdown rounds
 * and how many rounds were sent, copies, remaps and flushes made; reset by the caller (all
 * zero). Plain counters: exact when one CPU migrates at a time, as in bench hotplug. */
struct khotplug_prof {
	uint64_t phase_tsc[MIGRATE_PHASES];
	unsigned phase; /* the phase running since phase_t0 */
	uint64_t phase_t0;
	uint64_t shootdown_tsc, shootdown_rounds;
	uint64_t copies, remaps, flushes;
	uint64_t marks; /* phase calls: each costs a TSC read (bench hotplug reports it) */
};
extern struct khotplug_prof khotplug_prof;

/* Which CPUs may hold TLB entries of object windows (the window set, bit i = CPU i). The
 * shell's CPU 0 (fill, check, apps) is always in it. Any other CPU may touch an object window
 * only between khotplug_window_enter, called before its first access (it joins the set, then
 * reloads CR3, which is serialising: every translation it caches afterwards is walked after
 * its membership is visible), and khotplug_window_leave, called after its last (a CR3 reload
 * drops its window entries, which are never global; then it leaves the set). Migration's
 * flush reloads CR3 on its own CPU (serialising: its freezes are visible before it reads the
 * set) and sends one shootdown round to the other CPUs of the set only: a CPU outside it
 * holds no translation of a window and walks the page table, where it finds the migration
 * entry. So a migration with no worker running (kernel/work.h) sends no IPI at all. */
void khotplug_window_enter(void);
void khotplug_window_leave(void);

/* Sets up K.objs and K.hotplug; call after init_sp. */
void khotplug_init(void);

#endif
