/* SPDX-License-Identifier: BSD-2-Clause */
/* smp.c - starting the other CPUs (see smp.h; protocol in docs/smp.md).
 *
 * The boot CPU copies the trampoline (arch/x86_64/trampoline.asm) to the reserved page T,
 * builds a PML4 below 1 MiB that identity-maps T's 2 MiB and shares the kernel's higher-half
 * entries, and for each CPU in turn fills in that CPU's stack, per-CPU area and entry point,
 * marks it CPU_STARTING and sends INIT, STARTUP, STARTUP (Intel SDM Vol. 3A §8.4.4.1). The CPU
 * runs ap_entry on its own stack: the kernel's page tables, its GDT/TSS/GS, the shared IDT,
 * its APIC and timer, then CPU_ONLINE. The boot CPU waits for that state with a deadline; a
 * CPU that missed it is sent INIT again (parked in wait-for-SIPI) and never used, and if it
 * ever reaches ap_entry late, it sees it is no longer CPU_STARTING and halts. */
#include "kernel/smp.h"

#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/portio.h"
#include "arch/x86_64/trap.h"
#include "kernel/init.h"
#include "kernel/kernel.h"
#include "kernel/kvm.h"
#include "kernel/printk.h"
#include "kernel/tlb.h"
#include "kernel/work.h"
#include "lib/check.h"
#include "lib/fmt.h"
#include "lib/kstring.h"
#include "lib/parse.h"

#define AP_STACK_ORDER 3 /* 32 KiB: 8 KiB IST1 (double fault) below 24 KiB of stack */
#define AP_IST_BYTES 8192

struct smp_state smp;

extern char tramp_start[], tramp_end[], tramp_pm[], tramp_lm[], tr_gdt[], tr_gdtr[], tr_pm_jump[],
	tr_lm_jump[], tr_cr3[], tr_cr4[], tr_efer[], tr_stack[], tr_arg[], tr_entry[];

void smp_set_trampoline(uint64_t phys) { smp.tramp_phys = phys; }

static void *tramp_field(char *sym)
{
	return phys_to_virt(smp.tramp_phys + (uint64_t)(sym - tramp_start));
}
static uint32_t tramp_addr(char *sym)
{
	return (uint32_t)(smp.tramp_phys + (uint64_t)(sym - tramp_start));
}

static uint64_t ms_to_tsc(uint64_t ms) { return tsc_hz() / 1000 * ms; }

static void delay_us(uint64_t us)
{
	uint64_t t0 = rdtsc(), wait = tsc_hz() / 1000000 * us;
	while (rdtsc() - t0 < wait)
		cpu_relax();
}

static void timer_irq(void)
{
	this_cpu()->ticks++;
	apic_eoi();
}

static void spurious_irq(void) {}

/* The node of the CPU with this APIC id from the SRAT's processor affinity, or -1. */
static int cpu_node(uint32_t apic)
{
	if (!K.srat)
		return K.numa.n_nodes ? 0 : -1;
	for (uint32_t i = 0; i < K.srat->n_cpus; i++)
		if (K.srat->cpus[i].apic_id == apic)
			return numa_node_of_pxm(&K.numa, K.srat->cpus[i].pxm);
	return -1;
}

/* Identity map of the trampoline's 2 MiB plus the kernel's higher half, below 1 MiB. */
static void tramp_build(void)
{
	uint64_t t = smp.tramp_phys;
	CHECK_OP((uint64_t)(tramp_end - tramp_start), <=, PAGE_SIZE);
	memcpy(phys_to_virt(t), tramp_start, (size_t)(tramp_end - tramp_start));
	uint64_t *pml4 = phys_to_virt(t + PAGE_SIZE), *pdpt = phys_to_virt(t + 2 * PAGE_SIZE),
		 *pd = phys_to_virt(t + 3 * PAGE_SIZE);
	const uint64_t *kpml4 = phys_to_virt(kvm_space.pml4_phys.v);
	memset(pml4, 0, PAGE_SIZE);
	memset(pdpt, 0, PAGE_SIZE);
	memset(pd, 0, PAGE_SIZE);
	for (unsigned i = 256; i < 512; i++)
		pml4[i] = kpml4[i];
	pml4[0] = (t + 2 * PAGE_SIZE) | VM_PTE_P | VM_PTE_RW;
	pdpt[0] = (t + 3 * PAGE_SIZE) | VM_PTE_P | VM_PTE_RW;
	pd[0] = VM_PTE_P | VM_PTE_RW | VM_PTE_PS; /* [0, 2 MiB) holds T */
	*(uint32_t *)((char *)tramp_field(tr_gdtr) + 2) = tramp_addr(tr_gdt);
	*(uint32_t *)tramp_field(tr_pm_jump) = tramp_addr(tramp_pm);
	*(uint32_t *)tramp_field(tr_lm_jump) = tramp_addr(tramp_lm);
	uint64_t cr4;
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	*(uint64_t *)tramp_field(tr_cr3) = t + PAGE_SIZE;
	*(uint64_t *)tramp_field(tr_cr4) = cr4 & ((1u << 5) | (1u << 7)); /* PAE, PGE */
	*(uint64_t *)tramp_field(tr_efer) =
		(rdmsr(0xC0000080u) & (1u << 11)) | (1u << 8); /* NXE, LME */
}

__attribute__((noreturn)) static void ap_idle(struct percpu *c)
{
	for (;;) {
		cli();
		if (work_pending(c->index)) {
			__asm__ volatile("sti" ::: "memory");
			work_run(c->index);
			continue;
		}
		__asm__ volatile("sti; hlt" ::: "memory");
	}
}

__attribute__((noreturn)) void ap_entry(struct percpu *c);
__attribute__((noreturn)) void ap_entry(struct percpu *c)
{
	write_cr3(kvm_space.pml4_phys.v);
	trap_init_ap(c->index, c->stack_top - (1u << (AP_STACK_ORDER + PAGE_SHIFT)) + AP_IST_BYTES);
	if (c->state != CPU_STARTING) /* started after its deadline: stay out */
		cpu_halt_forever();
	apic_enable_this_cpu(VEC_SPURIOUS);
	apic_timer_start(VEC_TIMER, smp.timer_hz);
	__atomic_store_n(&c->state, CPU_ONLINE, __ATOMIC_RELEASE);
	ap_idle(c);
}

/* Starts the CPU in slot i (sipi false: INIT only, for testing); true when it came online
 * before the deadline. */
static bool start_one(unsigned i, bool sipi)
{
	struct percpu *c = &percpu[i];
	pfn_t stack;
	int node = c->node >= 0 ? c->node : -1;
	if (buddy_alloc(&K.buddy, AP_STACK_ORDER, node, BUDDY_OWNER(BUDDY_OWNER_STACK), &stack) !=
	    ST_OK) {
		printk(LOG_ERR, "smp: cpu %u (APIC id %u): no 32 KiB for its stack; left out", i,
		       c->apic_id);
		return false;
	}
	c->stack_top = (uint64_t)phys_to_virt(
		pa_add(pfn_to_pa(stack), pages_to_bytes((uint64_t)1 << AP_STACK_ORDER)).v);
	c->self = c;
	c->index = i;
	*(uint64_t *)tramp_field(tr_stack) = c->stack_top;
	*(uint64_t *)tramp_field(tr_arg) = (uint64_t)c;
	*(uint64_t *)tramp_field(tr_entry) = (uint64_t)ap_entry;
	__atomic_store_n(&c->state, CPU_STARTING, __ATOMIC_RELEASE);
	uint64_t t0 = rdtsc();
	apic_send_init(c->apic_id);
	delay_us(10000);
	uint8_t page = (uint8_t)(smp.tramp_phys >> PAGE_SHIFT);
	for (int k = 0; sipi && k < 2 && __atomic_load_n(&c->state, __ATOMIC_ACQUIRE) != CPU_ONLINE;
	     k++) {
		apic_send_sipi(c->apic_id, page);
		delay_us(200);
	}
	while (__atomic_load_n(&c->state, __ATOMIC_ACQUIRE) != CPU_ONLINE) {
		if (rdtsc() - t0 > ms_to_tsc(SMP_START_TIMEOUT_MS)) {
			__atomic_store_n(&c->state, CPU_FAILED, __ATOMIC_RELEASE);
			apic_send_init(c->apic_id); /* park it in wait-for-SIPI */
			printk(LOG_ERR,
			       "smp: cpu %u (APIC id %u) did not come up within %u ms; left out", i,
			       c->apic_id, SMP_START_TIMEOUT_MS);
			return false; /* its stack stays allocated (owner stack): it may still run */
		}
		cpu_relax();
	}
	c->start_us = tsc_to_us(rdtsc() - t0);
	return true;
}

static status_t map_xapic(uint64_t *virt)
{
	uint64_t pa = apic_mmio_phys();
	*virt = DIRECT_MAP_BASE + pa;
	if (vm_translate(&kvm_space, va_of(*virt), 0, 0, 0) == ST_OK)
		return ST_OK;
	return vm_map(&kvm_space, va_of(*virt), pa_of(pa), PAGE_SIZE,
		      kvm_nx_fixup(VM_WRITE | VM_UNCACHED | VM_GLOBAL), VM_PAGE_4K);
}

/* The boot CPU's own slot, APIC, timer; legacy PIC masked (Intel 8259A: OCW1). */
static bool boot_cpu_setup(void)
{
	uint64_t xapic = 0;
	bool x2 = apic_select_mode(0);
	if (!x2 && map_xapic(&xapic) != ST_OK) {
		printk(LOG_ERR, "smp: cannot map the local APIC at 0x%lx; one CPU",
		       (unsigned long)apic_mmio_phys());
		return false;
	}
	apic_select_mode(xapic);
	outb(0x21, 0xFF);
	outb(0xA1, 0xFF);
	apic_enable_this_cpu(VEC_SPURIOUS);
	struct percpu *c = &percpu[0];
	c->apic_id = apic_id();
	c->node = cpu_node(c->apic_id);
	c->state = CPU_ONLINE;
	c->stack_top = 0;
	smp.ncpus = smp.online = 1;
	trap_set_irq(VEC_TIMER, timer_irq);
	trap_set_irq(VEC_IPI, tlb_ipi);
	trap_set_irq(VEC_SPURIOUS, spurious_irq);
	smp.timer_hz = tsc_hz() ? apic_timer_calibrate(tsc_hz()) : 0;
	if (smp.timer_hz)
		apic_timer_start(VEC_TIMER, smp.timer_hz);
	__asm__ volatile("sti" ::: "memory");
	return true;
}

/* Fills the slots of every other MADT processor: enabled ones to start, online-capable ones
 * listed as disabled, those beyond SMP_MAX_CPUS reported. */
static void slots_from_madt(const struct madt_info *m)
{
	smp.listed = m->n_cpus;
	for (uint32_t i = 0; i < m->n_cpus; i++) {
		const struct madt_cpu *mc = &m->cpus[i];
		if (mc->apic_id == percpu[0].apic_id) {
			percpu[0].x2apic_entry = mc->x2apic;
			continue;
		}
		if (smp.ncpus >= SMP_MAX_CPUS) {
			printk(LOG_WARN, "smp: APIC id %u: more than %u CPUs; left out",
			       mc->apic_id, SMP_MAX_CPUS);
			smp.left_out++;
			continue;
		}
		struct percpu *c = &percpu[smp.ncpus++];
		c->apic_id = mc->apic_id;
		c->x2apic_entry = mc->x2apic;
		c->node = cpu_node(mc->apic_id);
		c->state = mc->online_capable ? CPU_DISABLED : CPU_ABSENT;
		if (!apic_x2() && mc->apic_id > 0xFE) {
			printk(LOG_WARN,
			       "smp: APIC id %u needs x2APIC mode, which this CPU lacks; left out",
			       mc->apic_id);
			c->state = CPU_DISABLED;
		}
	}
}

/* maxcpus=N (Linux's name): start at most N CPUs, the boot CPU included; the others are
 * listed as disabled. spmk.smp_nostart=ID (testing): send no STARTUP IPI to APIC id ID, as
 * if that CPU never answered. A bad value is reported and ignored. */
static void smp_options(uint64_t *maxcpus, uint64_t *nostart)
{
	const char *v;
	*maxcpus = SMP_MAX_CPUS;
	*nostart = UINT64_MAX;
	if ((v = cmdline_get(&K.cmdline, "maxcpus")) &&
	    (parse_u64(v, maxcpus) != ST_OK || *maxcpus < 1)) {
		printk(LOG_WARN, "cmdline: maxcpus=%s ignored: a number of CPUs, at least 1", v);
		*maxcpus = SMP_MAX_CPUS;
	}
	if ((v = cmdline_get(&K.cmdline, "spmk.smp_nostart")) && parse_u64(v, nostart) != ST_OK) {
		printk(LOG_WARN, "cmdline: spmk.smp_nostart=%s ignored: an APIC id", v);
		*nostart = UINT64_MAX;
	}
}

void smp_init(void)
{
	tlb_init();
	if (!K.mm_ready || !boot_cpu_setup())
		return;
	const struct discover_acpi *a = K.numa_acpi;
	if (!a || !a->has_madt) {
		printk(LOG_NOTICE, "smp: no usable MADT; running on the boot CPU only");
		init_mm_pcp(1);
		return;
	}
	slots_from_madt(&a->madt);
	init_mm_pcp(smp.ncpus ? smp.ncpus : 1); /* before any other CPU allocates */
	if (smp.ncpus > 1 && !smp.tramp_phys) {
		printk(LOG_ERR,
		       "smp: no free page below 1 MiB for the start-up trampoline; one CPU");
		return;
	}
	if (smp.ncpus > 1)
		tramp_build();
	uint64_t maxcpus, nostart;
	smp_options(&maxcpus, &nostart);
	work_init();
	for (unsigned i = 1; i < smp.ncpus; i++) {
		if (percpu[i].state != CPU_DISABLED && smp.online >= maxcpus) {
			printk(LOG_INFO, "smp: cpu %u (APIC id %u) not started (maxcpus=%lu)", i,
			       percpu[i].apic_id, (unsigned long)maxcpus);
			percpu[i].state = CPU_DISABLED;
		}
		if (percpu[i].state == CPU_DISABLED) {
			smp.left_out++;
			continue;
		}
		if (start_one(i, percpu[i].apic_id != nostart))
			smp.online++;
		else
			smp.left_out++;
	}
	printk(LOG_INFO, "smp: %u of %lu CPUs online (%s, LAPIC timer %lu Hz from %lu ticks/s)",
	       smp.online, (unsigned long)smp.listed, apic_x2() ? "x2APIC" : "xAPIC",
	       (unsigned long)APIC_TIMER_HZ, (unsigned long)smp.timer_hz);
}

void smp_wake(unsigned index)
{
	if (index < smp.ncpus && index != this_cpu_index() && percpu[index].state == CPU_ONLINE)
		apic_send_ipi(percpu[index].apic_id, VEC_IPI);
}

static const char *state_name(int s)
{
	static const char *const n[] = { "absent", "starting", "online",
					 "failed", "disabled", "halted" };
	return s >= 0 && s <= CPU_HALTED ? n[s] : "?";
}

void smp_print(void)
{
	kprintf("CPU  APIC  MADT    NODE  STATE     TICKS     SHOOTDOWNS  START_US  ROLE\n");
	for (unsigned i = 0; i < smp.ncpus; i++) {
		const struct percpu *c = &percpu[i];
		char node[12];
		if (c->node >= 0)
			fmt_snprintf(node, sizeof node, "%d", c->node);
		else
			fmt_snprintf(node, sizeof node, "-");
		kprintf("%-4u %-5u %-7s %-5s %-9s %-9lu %-11lu %-9lu %s\n", i, c->apic_id,
			c->x2apic_entry ? "x2apic" : "lapic", node, state_name(c->state),
			(unsigned long)c->ticks, (unsigned long)c->tlb_flushes,
			(unsigned long)c->start_us, i == 0 ? "boot, shell" : work_role(i));
	}
	kprintf("cpus: %u online of %lu listed in the MADT, %lu left out; %s; shootdown rounds "
		"%lu\n",
		smp.online, (unsigned long)smp.listed, (unsigned long)smp.left_out,
		apic_x2() ? "x2APIC" : "xAPIC", (unsigned long)tlb_rounds());
}
