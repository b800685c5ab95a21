/* SPDX-License-Identifier: BSD-2-Clause */
/* tlb.h - TLB shootdown: invalidating a range on every other online CPU (docs/smp.md).
 *
 * A round: the initiator (holding the shootdown lock) publishes the request (a range of
 * pages, or everything), sets every other online CPU's tlb_pending flag, sends each an IPI on
 * VEC_IPI, and waits until every flag is clear again. A target's handler (tlb_ipi) or any
 * waiting loop of its own (tlb_serve) flushes the range - INVLPG per page up to
 * TLB_RANGE_MAX pages, else every entry, global ones included (CR4.PGE toggled) - then
 * clears its flag. The caller flushes its own CPU. While waiting for the lock or for the
 * targets the initiator serves requests addressed to it, so two CPUs shooting down at once,
 * or a CPU spinning in the page-fault handler, never deadlock. A target that does not answer
 * within TLB_TIMEOUT_MS is reported, reset with INIT (which empties its TLB) and marked
 * halted, so no round waits for ever.
 *
 * Only CPUs in CPU_ONLINE take part; with one CPU online a round costs nothing. */
#ifndef SPMK_KERNEL_TLB_H
#define SPMK_KERNEL_TLB_H

#include <stdint.h>

#define TLB_RANGE_MAX 32 /* pages invalidated one by one; beyond, everything */
#define TLB_TIMEOUT_MS 5000

void tlb_init(void);
/* One round for [va, va + npages * 4 KiB) on every other online CPU; npages 0 = everything.
 * The caller has already flushed its own TLB. */
void tlb_shootdown(uint64_t va, uint64_t npages);
/* The same round on the other online CPUs of the set `cpus` only (bit i = CPU i): for a range
 * the caller knows no other CPU can have translated (kernel/khotplug.h: object windows).
 * Costs nothing, and counts no round, when no such CPU is online. */
void tlb_shootdown_cpus(uint64_t cpus, uint64_t va, uint64_t npages);
/* Serves a request pending for this CPU, if any (for loops that wait with interrupts off). */
void tlb_serve(void);
/* The VEC_IPI handler: serve, then EOI. */
void tlb_ipi(void);
/* Flushes this CPU's entire TLB, global entries included. */
void tlb_flush_local_all(void);
/* Rounds started since boot (figures), and pages named by ranged rounds. */
uint64_t tlb_rounds(void);
uint64_t tlb_round_pages(void);

#endif
