/* SPDX-License-Identifier: BSD-2-Clause */
/* gdt.c - per-CPU GDT, TSS and GS base (see gdt.h and percpu.h). */
#include "arch/x86_64/gdt.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"

struct __attribute__((packed)) tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
};

struct __attribute__((packed)) desc_ptr {
	uint16_t limit;
	uint64_t base;
};

extern void gdt_load(void *gdtr, uint16_t code_sel, uint16_t data_sel);
extern void tss_load(uint16_t sel);

static uint64_t gdt[SMP_MAX_CPUS][7] __attribute__((aligned(16)));
static struct tss tss[SMP_MAX_CPUS] __attribute__((aligned(16)));
struct percpu percpu[SMP_MAX_CPUS];

void percpu_set_base(unsigned index)
{
	percpu[index].self = &percpu[index];
	percpu[index].index = index;
	wrmsr(MSR_GS_BASE, (uint64_t)&percpu[index]);
}

void gdt_init_cpu(unsigned index, uint64_t ist_top)
{
	uint64_t *g = gdt[index];
	struct tss *t = &tss[index];
	g[0] = 0;
	g[1] = 0x00209A0000000000ull; /* 64-bit code, present, DPL 0 */
	g[2] = 0x0000920000000000ull; /* data, present, writable, DPL 0 */
	g[3] = 0x0000F20000000000ull; /* data, present, writable, DPL 3 */
	g[4] = 0x0020FA0000000000ull; /* 64-bit code, present, DPL 3 */
	uint64_t base = (uint64_t)t;
	uint64_t limit = sizeof *t - 1;
	g[5] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) | (0x89ull << 40) |
	       (((limit >> 16) & 0xF) << 48) | (((base >> 24) & 0xFF) << 56);
	g[6] = base >> 32;
	t->ist[0] = ist_top;       /* IST1: double fault */
	t->iomap_base = sizeof *t; /* no I/O bitmap: ring 3 has no port access */
	struct desc_ptr p = { sizeof gdt[0] - 1, (uint64_t)g };
	gdt_load(&p, KERNEL_CS, KERNEL_DS);
	tss_load(TSS_SEL);
	percpu_set_base(index); /* loading GS above cleared its base */
}

void gdt_set_rsp0(unsigned index, uint64_t rsp0) { tss[index].rsp[0] = rsp0; }
