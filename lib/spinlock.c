/* SPDX-License-Identifier: BSD-2-Clause */
/* spinlock.c - ticket spinlocks and the debug-build lock-order checker (see spinlock.h). */
#include "lib/spinlock.h"

#include "lib/check.h"
#include "lib/fmt.h"

#define SPIN_MAX_HELD 16

const char *lock_rank_name(unsigned rank)
{
	static const char *const names[LOCK_RANK_MAX] = {
		"NONE", "HOTPLUG", "MEMOBJ", "DAX", "VM", "KHEAP", "PCP", "BUDDY", "CONSOLE",
	};
	return rank < LOCK_RANK_MAX ? names[rank] : "?";
}

#ifdef SPMK_DEBUG
/* Locks each CPU holds, in the order taken. Only the owning CPU touches its row. Several locks
 * of a nesting rank share one entry: the last one taken and how many are held. */
static struct {
	struct {
		const struct spinlock *lock;
		unsigned count;
	} e[SPIN_MAX_HELD];
	unsigned n;
} held[SPIN_MAX_CPUS];

/* Stop with a sentence naming both locks, their ranks and the CPU. */
__attribute__((noreturn)) static void order_fail(int line, const char *what, unsigned cpu,
						 const struct spinlock *l, const struct spinlock *h)
{
	static char msg[200];
	if (h)
		fmt_snprintf(msg, sizeof msg,
			     "%s: CPU %u takes %s (rank %s) while holding %s (rank %s)", what, cpu,
			     l->name, lock_rank_name(l->rank), h->name, lock_rank_name(h->rank));
	else
		fmt_snprintf(msg, sizeof msg, "%s: CPU %u, lock %s (rank %s)", what, cpu, l->name,
			     lock_rank_name(l->rank));
	check_fail(__FILE__, line, msg, 0, 0, 0);
}

/* May a CPU holding h take l? */
static bool order_ok(const struct spinlock *h, const struct spinlock *l)
{
	if (l->rank == LOCK_RANK_NONE || h->rank == LOCK_RANK_NONE)
		return true;
	if (h->rank == l->rank)
		return LOCK_RANK_NESTS(l->rank) && (uintptr_t)h < (uintptr_t)l;
	return h->rank < l->rank;
}

static void order_check_acquire(struct spinlock *l, unsigned cpu)
{
	CHECK_OP(cpu, <, SPIN_MAX_CPUS);
	unsigned n = held[cpu].n;
	for (unsigned i = 0; i < n; i++) {
		const struct spinlock *h = held[cpu].e[i].lock;
		if (h == l)
			order_fail(__LINE__, "lock taken twice", cpu, l, 0);
		if (!order_ok(h, l))
			order_fail(__LINE__, "lock order", cpu, l, h);
	}
	if (n && held[cpu].e[n - 1].lock->rank == l->rank && LOCK_RANK_NESTS(l->rank)) {
		held[cpu].e[n - 1].lock = l;
		held[cpu].e[n - 1].count++;
		return;
	}
	if (n == SPIN_MAX_HELD)
		order_fail(__LINE__, "too many locks held", cpu, l, held[cpu].e[n - 1].lock);
	held[cpu].e[n].lock = l;
	held[cpu].e[n].count = 1;
	held[cpu].n = n + 1;
}

static void order_check_release(struct spinlock *l, unsigned cpu)
{
	unsigned n = held[cpu].n;
	for (unsigned i = n; i-- > 0;) {
		const struct spinlock *h = held[cpu].e[i].lock;
		if (h != l && !(LOCK_RANK_NESTS(l->rank) && h->rank == l->rank))
			continue;
		if (--held[cpu].e[i].count)
			return;
		for (unsigned j = i; j + 1 < n; j++)
			held[cpu].e[j] = held[cpu].e[j + 1];
		held[cpu].n = n - 1;
		return;
	}
	order_fail(__LINE__, "lock released but not held", cpu, l, 0);
}
#else
static void order_check_acquire(struct spinlock *l, unsigned cpu) { (void)l, (void)cpu; }
#endif

void spin_init(struct spinlock *l, const char *name, enum lock_rank rank)
{
	*l = (struct spinlock)SPINLOCK_INIT(name, rank);
}

static void take(struct spinlock *l, unsigned cpu)
{
#ifdef SPMK_DEBUG
	__atomic_store_n(&l->holder, cpu + 1, __ATOMIC_RELAXED);
#else
	(void)l, (void)cpu;
#endif
}

void spin_order_acquire(struct spinlock *l, unsigned cpu) { order_check_acquire(l, cpu); }

void spin_lock_wait(struct spinlock *l, uint32_t ticket)
{
	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket)
		spin_arch_relax();
}

bool spin_trylock(struct spinlock *l)
{
	uint32_t owner = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
	uint32_t expect = owner;
	if (!__atomic_compare_exchange_n(&l->next, &expect, owner + 1, false, __ATOMIC_ACQUIRE,
					 __ATOMIC_RELAXED))
		return false;
	unsigned cpu = spin_holder_cpu();
	order_check_acquire(l, cpu);
	take(l, cpu);
	return true;
}

#ifdef SPMK_DEBUG
void spin_unlock(struct spinlock *l)
{
	unsigned cpu = spin_arch_cpu();
	ASSERT_OP(__atomic_load_n(&l->holder, __ATOMIC_RELAXED), ==, cpu + 1);
	order_check_release(l, cpu);
	__atomic_store_n(&l->holder, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
}
#endif

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

#ifdef SPMK_DEBUG
bool spin_held(const struct spinlock *l)
{
	return __atomic_load_n(&l->holder, __ATOMIC_RELAXED) == spin_arch_cpu() + 1;
}
#endif
