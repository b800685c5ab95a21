/* SPDX-License-Identifier: BSD-2-Clause */
/* spinlock.c - ticket spinlocks and the debug-build lock-order checker (see spinlock.h). */
#include "lib/spinlock.h"

#include "lib/check.h"

#define SPIN_MAX_HELD 16

#ifdef SPMK_DEBUG
/* Locks each CPU holds, in the order taken. Only the owning CPU touches its row. */
static struct {
	const struct spinlock *lock[SPIN_MAX_HELD];
	unsigned n;
} held[SPIN_MAX_CPUS];

static void order_check_acquire(struct spinlock *l, unsigned cpu)
{
	CHECK_OP(cpu, <, SPIN_MAX_CPUS);
	unsigned n = held[cpu].n;
	CHECK_OP(n, <, SPIN_MAX_HELD);
	for (unsigned i = 0; i < n; i++) {
		const struct spinlock *h = held[cpu].lock[i];
		if (h == l)
			check_fail(__FILE__, __LINE__, l->name, "taken twice on one CPU", cpu, l->rank);
		if (l->rank != LOCK_RANK_NONE && h->rank != LOCK_RANK_NONE && h->rank >= l->rank)
			check_fail(__FILE__, __LINE__, l->name, "lock order: rank after held rank",
				   l->rank, h->rank);
	}
	held[cpu].lock[n] = l;
	held[cpu].n = n + 1;
}

static void order_check_release(struct spinlock *l, unsigned cpu)
{
	unsigned n = held[cpu].n;
	for (unsigned i = n; i-- > 0;) {
		if (held[cpu].lock[i] != l)
			continue;
		for (unsigned j = i; j + 1 < n; j++)
			held[cpu].lock[j] = held[cpu].lock[j + 1];
		held[cpu].n = n - 1;
		return;
	}
	check_fail(__FILE__, __LINE__, l->name, "released but not held by this CPU", cpu, 0);
}
#else
static void order_check_acquire(struct spinlock *l, unsigned cpu) { (void)l, (void)cpu; }
static void order_check_release(struct spinlock *l, unsigned cpu) { (void)l, (void)cpu; }
#endif

void spin_init(struct spinlock *l, const char *name, enum lock_rank rank)
{
	*l = (struct spinlock)SPINLOCK_INIT(name, rank);
}

static void take(struct spinlock *l, unsigned cpu)
{
	__atomic_store_n(&l->holder, cpu + 1, __ATOMIC_RELAXED);
}

void spin_lock(struct spinlock *l)
{
	unsigned cpu = spin_arch_cpu();
	order_check_acquire(l, cpu);
	uint32_t ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket)
		spin_arch_relax();
	take(l, cpu);
}

bool spin_trylock(struct spinlock *l)
{
	uint32_t owner = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
	uint32_t expect = owner;
	if (!__atomic_compare_exchange_n(&l->next, &expect, owner + 1, false, __ATOMIC_ACQUIRE,
					 __ATOMIC_RELAXED))
		return false;
	unsigned cpu = spin_arch_cpu();
	order_check_acquire(l, cpu);
	take(l, cpu);
	return true;
}

void spin_unlock(struct spinlock *l)
{
	unsigned cpu = spin_arch_cpu();
	ASSERT_OP(__atomic_load_n(&l->holder, __ATOMIC_RELAXED), ==, cpu + 1);
	order_check_release(l, cpu);
	__atomic_store_n(&l->holder, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
}

uint64_t spin_lock_irqsave(struct spinlock *l)
{
	uint64_t flags = spin_arch_irq_save();
	spin_lock(l);
	return flags;
}

void spin_unlock_irqrestore(struct spinlock *l, uint64_t flags)
{
	spin_unlock(l);
	spin_arch_irq_restore(flags);
}

bool spin_held(const struct spinlock *l)
{
	return __atomic_load_n(&l->holder, __ATOMIC_RELAXED) == spin_arch_cpu() + 1;
}
