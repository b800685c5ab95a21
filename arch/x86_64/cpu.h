/* SPDX-License-Identifier: BSD-2-Clause */
/* cpu.h - the few x86_64 instructions the kernel needs, as inline functions. */
#ifndef SPMK_KERNEL_CPU_H
#define SPMK_KERNEL_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/portio.h"

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}
static inline uint64_t read_cr2(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}
static inline uint64_t read_cr3(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}
static inline void write_cr3(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}
static inline void invlpg(uint64_t va) { __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory"); }
/* RFLAGS.IF: whether maskable interrupts are on. */
static inline bool interrupts_enabled(void)
{
	uint64_t f;
	__asm__ volatile("pushfq; pop %0" : "=r"(f));
	return f & (1u << 9);
}
static inline void cpu_relax(void) { __asm__ volatile("pause"); }
static inline void cli(void) { __asm__ volatile("cli"); }
static inline void hlt(void) { __asm__ volatile("hlt"); }
static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(sub));
}

/* The physical address width (MAXPHYADDR) in bits: CPUID 0x80000008 EAX[7:0] (Intel SDM
 * vol. 2A, CPUID), or 36 when the leaf does not exist (as the SDM says to assume). */
static inline unsigned cpu_phys_addr_bits(void)
{
	uint32_t r[4];
	cpuid(0x80000000u, 0, r);
	if (r[0] < 0x80000008u)
		return 36;
	cpuid(0x80000008u, 0, r);
	return r[0] & 0xff;
}
static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

__attribute__((noreturn)) static inline void cpu_halt_forever(void)
{
	for (;;) {
		cli();
		hlt();
	}
}

#endif
