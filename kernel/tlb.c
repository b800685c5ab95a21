/* SPDX-License-Identifier: BSD-2-Clause */
/* tlb.c - TLB shootdown rounds (protocol in tlb.h). */
#include "kernel/tlb.h"

#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/trap.h"
#include "kernel/printk.h"
#include "kernel/smp.h"
#include "lib/spinlock.h"
#include "lib/types.h"

#define CR4_PGE (1ull << 7)

static struct spinlock tlb_lock;
static struct {
	volatile uint64_t va, npages;
} req;
static volatile uint64_t rounds, round_pages;

void tlb_init(void) { spin_init(&tlb_lock, "tlb", LOCK_RANK_NONE); }
uint64_t tlb_rounds(void) { return rounds; }
uint64_t tlb_round_pages(void) { return round_pages; }

void tlb_flush_local_all(void)
{
	uint64_t cr4;
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	if (cr4 & CR4_PGE) {
		__asm__ volatile("mov %0, %%cr4" : : "r"(cr4 & ~CR4_PGE) : "memory");
		__asm__ volatile("mov %0, %%cr4" : : "r"(cr4) : "memory");
	} else {
		write_cr3(read_cr3());
	}
}

void tlb_serve(void)
{
	struct percpu *c = this_cpu();
	if (!__atomic_load_n(&c->tlb_pending, __ATOMIC_ACQUIRE))
		return;
	uint64_t va = req.va, n = req.npages;
	if (n == 0 || n > TLB_RANGE_MAX)
		tlb_flush_local_all();
	else
		for (uint64_t i = 0; i < n; i++)
			invlpg(va + i * PAGE_SIZE);
	c->tlb_flushes++;
	__atomic_store_n(&c->tlb_pending, 0, __ATOMIC_RELEASE);
}

void tlb_ipi(void)
{
	tlb_serve();
	apic_eoi();
}

/* Waits for target c; false when it did not answer in time (then it is reset and halted). */
static bool wait_target(struct percpu *c, uint64_t t0)
{
	while (__atomic_load_n(&c->tlb_pending, __ATOMIC_ACQUIRE)) {
		tlb_serve();
		if (rdtsc() - t0 > tsc_hz() / 1000 * TLB_TIMEOUT_MS) {
			apic_send_init(c->apic_id); /* INIT empties its TLB and stops it */
			__atomic_store_n(&c->state, CPU_HALTED, __ATOMIC_RELEASE);
			__atomic_store_n(&c->tlb_pending, 0, __ATOMIC_RELEASE);
			smp.online--;
			return false;
		}
		cpu_relax();
	}
	return true;
}

/* Whether CPU i (not this one) takes part in a round for `cpus`. */
static bool is_target(unsigned i, unsigned self, uint64_t cpus)
{
	return i != self && i < 64 && (cpus >> i & 1) && percpu[i].state == CPU_ONLINE;
}

void tlb_shootdown(uint64_t va, uint64_t npages) { tlb_shootdown_cpus(~0ull, va, npages); }

void tlb_shootdown_cpus(uint64_t cpus, uint64_t va, uint64_t npages)
{
	if (smp.online <= 1)
		return;
	unsigned self = this_cpu_index();
	bool any = false;
	for (unsigned i = 0; i < smp.ncpus && !any; i++)
		any = is_target(i, self, cpus);
	if (!any)
		return; /* no other CPU of the set is online: nothing to send */
	while (!spin_trylock(&tlb_lock)) {
		tlb_serve();
		cpu_relax();
	}
	req.va = va;
	req.npages = npages;
	for (unsigned i = 0; i < smp.ncpus; i++) {
		struct percpu *c = &percpu[i];
		if (!is_target(i, self, cpus))
			continue;
		__atomic_store_n(&c->tlb_pending, 1, __ATOMIC_RELEASE);
		apic_send_ipi(c->apic_id, VEC_IPI);
	}
	uint64_t t0 = rdtsc();
	int lost = -1;
	for (unsigned i = 0; i < smp.ncpus; i++)
		if (is_target(i, self, cpus) && !wait_target(&percpu[i], t0))
			lost = (int)i;
	rounds++;
	round_pages += npages;
	spin_unlock(&tlb_lock);
	if (lost >= 0)
		printk(LOG_ERR,
		       "tlb: cpu %d (APIC id %u) did not answer a shootdown within %u ms; reset "
		       "with INIT and left out",
		       lost, percpu[lost].apic_id, TLB_TIMEOUT_MS);
}
