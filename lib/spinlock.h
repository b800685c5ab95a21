/* SPDX-License-Identifier: BSD-2-Clause */
/* spinlock.h - spinlocks for shared kernel state, with a lock order.
 *
 * A spinlock is a ticket lock: CPUs get the lock in the order they asked for it. Every lock has
 * a rank (enum lock_rank, docs/locking.md): a CPU may only take a lock whose rank is higher
 * than every lock it already holds. Debug builds (SPMK_DEBUG) check this on every acquisition
 * and CHECK-fail naming both locks when the order is broken; release builds only take the lock.
 *
 * The _irqsave forms also disable interrupts on this CPU (for locks an interrupt handler takes)
 * and give back the previous interrupt state to restore.
 *
 * The platform provides the four spin_arch_* functions below: arch/x86_64/ in the kernel, a
 * thread-based version on the host (lib/spinlock_host.c) so that host tests run the same locks
 * under threads and ThreadSanitizer. Freestanding. */
#ifndef SPMK_LIB_SPINLOCK_H
#define SPMK_LIB_SPINLOCK_H

#include <stdbool.h>
#include <stdint.h>

/* Lock ranks, lowest taken first: the real nesting, outermost first (docs/locking.md). */
enum lock_rank {
	LOCK_RANK_NONE = 0, /* not ordered against other locks (leaf, never nests) */
	LOCK_RANK_HOTPLUG,  /* hand-off / reclaim of a node (a busy flag: only ever trylocked) */
	LOCK_RANK_MEMOBJ,   /* memory objects (held across migration, which claims pages) */
	LOCK_RANK_DAX,      /* dax regions, devices, claims, deferred-scrub extents */
	LOCK_RANK_VM,       /* page tables of the kernel address space */
	LOCK_RANK_KHEAP,    /* kernel heap (takes pages from the buddy) */
	LOCK_RANK_PCP,      /* one CPU's page cache; several nest in address order */
	LOCK_RANK_BUDDY,    /* buddy free lists, range descriptors, isolation, zone statistics */
	LOCK_RANK_CONSOLE,  /* serial output and the log ring: innermost, anyone may print */
	LOCK_RANK_MAX,
};

/* Ranks of which one CPU may hold several locks at once, taken in increasing address order
 * (every per-CPU page cache, to stop them all). */
#define LOCK_RANK_NESTS(rank) ((rank) == LOCK_RANK_PCP)

struct spinlock {
	uint32_t next;   /* next ticket to hand out */
	uint32_t owner;  /* ticket being served */
	uint32_t holder; /* CPU holding the lock + 1, 0 when free (debug builds only) */
	uint32_t rank;   /* enum lock_rank */
	const char *name;
};

#define SPINLOCK_INIT(nm, rk)                                                                      \
	{                                                                                          \
		0, 0, 0, (rk), (nm)                                                                \
	}

/* Initialise an unlocked lock named `name` (kept for reports) of rank `rank`. */
void spin_init(struct spinlock *l, const char *name, enum lock_rank rank);
/* Platform: this CPU's index (0 .. SPIN_MAX_CPUS-1); wait a little while spinning (PAUSE on a
 * CPU, a yield for host threads, which may outnumber cores); disable interrupts and return the
 * previous state; restore a state spin_arch_irq_save returned. */
#define SPIN_MAX_CPUS 256
unsigned spin_arch_cpu(void);
void spin_arch_relax(void);
uint64_t spin_arch_irq_save(void);
void spin_arch_irq_restore(uint64_t flags);

/* spin_lock_cpu's out-of-line parts: the debug-build order check before the ticket is drawn,
 * and the wait for ticket when the lock was not free at once. */
void spin_order_acquire(struct spinlock *l, unsigned cpu);
void spin_lock_wait(struct spinlock *l, uint32_t ticket);

/* spin_lock for a caller that already read its CPU index: cpu must be spin_arch_cpu(). The
 * uncontended acquire is inline (one atomic add and a compare); only a wait is a call.
 * Returns true when l was held by another CPU when asked (the caller waited for it). */
static inline bool spin_lock_cpu(struct spinlock *l, unsigned cpu)
{
#ifdef SPMK_DEBUG
	spin_order_acquire(l, cpu);
#endif
	uint32_t ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
	bool waited = __atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket;
	if (waited)
		spin_lock_wait(l, ticket);
#ifdef SPMK_DEBUG
	__atomic_store_n(&l->holder, cpu + 1, __ATOMIC_RELAXED);
#else
	(void)cpu;
#endif
	return waited;
}

/* The CPU index spin_lock records as the holder: debug builds only (the order checker and
 * spin_held read it); release builds record none and skip the lookup (docs/locking.md). */
static inline unsigned spin_holder_cpu(void)
{
#ifdef SPMK_DEBUG
	return spin_arch_cpu();
#else
	return 0;
#endif
}

/* Take l, spinning until it is free. Debug builds CHECK the lock order and that this CPU does
 * not already hold l. */
static inline void spin_lock(struct spinlock *l) { spin_lock_cpu(l, spin_holder_cpu()); }
/* spin_lock that says whether l was contended: true when another CPU held it when asked. */
static inline bool spin_lock_waited(struct spinlock *l)
{
	return spin_lock_cpu(l, spin_holder_cpu());
}
/* Take l only if it is free now: true when taken. */
bool spin_trylock(struct spinlock *l);
/* Release l, which this CPU holds (CHECKed in debug builds, where it is a call). */
#ifdef SPMK_DEBUG
void spin_unlock(struct spinlock *l);
#else
static inline void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
}
#endif
/* spin_lock with interrupts disabled on this CPU; returns the previous interrupt state. */
uint64_t spin_lock_irqsave(struct spinlock *l);
/* spin_unlock, then restore the interrupt state spin_lock_irqsave returned. */
void spin_unlock_irqrestore(struct spinlock *l, uint64_t flags);
#ifdef SPMK_DEBUG
/* True when this CPU holds l (debug builds: only they record the holder). */
bool spin_held(const struct spinlock *l);
#endif
/* Name of a rank for messages ("BUDDY"). */
const char *lock_rank_name(unsigned rank);

#endif
