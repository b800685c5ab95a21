/* SPDX-License-Identifier: BSD-2-Clause */
/* apic.c - local APIC access in xAPIC or x2APIC mode (see apic.h). */
#include "arch/x86_64/apic.h"

#include "arch/x86_64/cpu.h"

#define MSR_APIC_BASE 0x1Bu
#define APIC_BASE_ENABLE (1ull << 11)
#define APIC_BASE_X2 (1ull << 10)

enum {
	APIC_ID = 0x20,
	APIC_TPR = 0x80,
	APIC_EOI = 0xB0,
	APIC_SVR = 0xF0,
	APIC_ICR_LO = 0x300,
	APIC_ICR_HI = 0x310,
	APIC_LVT_TIMER = 0x320,
	APIC_TIMER_INIT = 0x380,
	APIC_TIMER_CUR = 0x390,
	APIC_TIMER_DIV = 0x3E0,
};
#define ICR_PENDING (1u << 12)
#define ICR_ASSERT (1u << 14)
#define ICR_INIT (5u << 8)
#define ICR_STARTUP (6u << 8)
#define LVT_MASKED (1u << 16)
#define LVT_PERIODIC (1u << 17)

static bool x2;
static volatile uint32_t *mmio;

bool apic_select_mode(uint64_t xapic_virt)
{
	uint32_t r[4];
	cpuid(1, 0, r);
	x2 = (r[2] >> 21) & 1;
	mmio = (volatile uint32_t *)(uintptr_t)xapic_virt;
	return x2;
}

uint64_t apic_mmio_phys(void) { return rdmsr(MSR_APIC_BASE) & 0x000ffffffffff000ull; }
bool apic_x2(void) { return x2; }

static uint32_t rd(uint32_t reg)
{
	return x2 ? (uint32_t)rdmsr(0x800 + (reg >> 4)) : mmio[reg / 4];
}

static void wr(uint32_t reg, uint32_t v)
{
	if (x2)
		wrmsr(0x800 + (reg >> 4), v);
	else
		mmio[reg / 4] = v;
}

void apic_enable_this_cpu(uint8_t spurious_vector)
{
	uint64_t base = rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE;
	if (x2)
		base |= APIC_BASE_X2;
	wrmsr(MSR_APIC_BASE, base);
	wr(APIC_TPR, 0);
	wr(APIC_SVR, (1u << 8) | spurious_vector);
}

uint32_t apic_id(void) { return x2 ? rd(APIC_ID) : rd(APIC_ID) >> 24; }
void apic_eoi(void) { wr(APIC_EOI, 0); }

static void icr(uint32_t dest, uint32_t lo)
{
	if (x2) {
		__asm__ volatile("mfence" ::: "memory"); /* x2APIC ICR writes are not serialising */
		wrmsr(0x800 + (APIC_ICR_LO >> 4), ((uint64_t)dest << 32) | lo);
		return;
	}
	wr(APIC_ICR_HI, dest << 24);
	wr(APIC_ICR_LO, lo);
	while (rd(APIC_ICR_LO) & ICR_PENDING)
		cpu_relax();
}

void apic_send_ipi(uint32_t dest, uint8_t vector) { icr(dest, ICR_ASSERT | vector); }
void apic_send_init(uint32_t dest) { icr(dest, ICR_INIT | ICR_ASSERT); }
void apic_send_sipi(uint32_t dest, uint8_t page) { icr(dest, ICR_STARTUP | ICR_ASSERT | page); }

uint64_t apic_timer_calibrate(uint64_t tsc_hz)
{
	wr(APIC_TIMER_DIV, 0x3); /* divide by 16 */
	wr(APIC_LVT_TIMER, LVT_MASKED);
	wr(APIC_TIMER_INIT, 0xFFFFFFFFu);
	uint64_t t0 = rdtsc(), wait = tsc_hz / 100;
	while (rdtsc() - t0 < wait)
		cpu_relax();
	uint32_t left = rd(APIC_TIMER_CUR);
	uint64_t spent = rdtsc() - t0;
	wr(APIC_TIMER_INIT, 0);
	uint64_t ticks = 0xFFFFFFFFull - left;
	return spent ? ticks * tsc_hz / spent : 0;
}

void apic_timer_start(uint8_t vector, uint64_t ticks_per_s)
{
	uint64_t count = ticks_per_s / APIC_TIMER_HZ;
	wr(APIC_TIMER_DIV, 0x3);
	wr(APIC_LVT_TIMER, LVT_PERIODIC | vector);
	wr(APIC_TIMER_INIT,
	   (uint32_t)(count ? (count > 0xFFFFFFFFull ? 0xFFFFFFFFull : count) : 1));
}
