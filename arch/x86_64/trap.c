/* SPDX-License-Identifier: BSD-2-Clause */
/* trap.c - GDT, TSS, IDT and the exception dispatcher (see trap.h). */
#include "arch/x86_64/trap.h"

#include "arch/x86_64/cpu.h"
#include "kernel/ksyms.h"
#include "kernel/printk.h"
#include "lib/kstring.h"
#include "lib/types.h"

#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define TSS_SEL 0x18
#define IDT_VECTORS 33

struct __attribute__((packed)) tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
};

struct __attribute__((packed)) idt_entry {
	uint16_t off_lo, sel;
	uint8_t ist, type;
	uint16_t off_mid;
	uint32_t off_hi, zero;
};

struct __attribute__((packed)) desc_ptr {
	uint16_t limit;
	uint64_t base;
};

extern void gdt_load(void *gdtr, uint16_t code_sel, uint16_t data_sel);
extern void tss_load(uint16_t sel);
extern uint64_t isr_stub_table[IDT_VECTORS];

static uint64_t gdt[5];
static struct tss tss;
static struct idt_entry idt[256];
static uint8_t fault_stack[16384] __attribute__((aligned(16)));
static pf_hook_fn pf_hook;
static struct kjmp *catch_point;
static uint64_t recovered;

static void gdt_setup(void)
{
	gdt[0] = 0;
	gdt[1] = 0x00209A0000000000ull; /* 64-bit code, present, ring 0 */
	gdt[2] = 0x0000920000000000ull; /* data, present, writable */
	uint64_t base = (uint64_t)&tss;
	uint64_t limit = sizeof tss - 1;
	gdt[3] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) | (0x89ull << 40) |
		 (((limit >> 16) & 0xF) << 48) | (((base >> 24) & 0xFF) << 56);
	gdt[4] = base >> 32;
	tss.ist[0] = (uint64_t)(fault_stack + sizeof fault_stack); /* IST1: double fault */
	tss.iomap_base = sizeof tss;
	struct desc_ptr p = { sizeof gdt - 1, (uint64_t)gdt };
	gdt_load(&p, KERNEL_CS, KERNEL_DS);
	tss_load(TSS_SEL);
}

static void idt_setup(void)
{
	for (int v = 0; v < IDT_VECTORS; v++) {
		uint64_t h = isr_stub_table[v];
		idt[v] = (struct idt_entry){
			.off_lo = h & 0xFFFF, .sel = KERNEL_CS, .ist = v == 8 ? 1 : 0,
			.type = 0x8E, .off_mid = (h >> 16) & 0xFFFF, .off_hi = h >> 32,
		};
	}
	struct desc_ptr p = { sizeof idt - 1, (uint64_t)idt };
	__asm__ volatile("lidt %0" : : "m"(p));
}

void trap_init(void)
{
	gdt_setup();
	idt_setup();
}

void trap_set_pf_hook(pf_hook_fn hook) { pf_hook = hook; }
void trap_catch_arm(struct kjmp *j) { catch_point = j; }
void trap_catch_end(void) { catch_point = 0; }
uint64_t trap_recovered_count(void) { return recovered; }

static const char *const vector_names[] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow", "bound range",
	"invalid opcode", "device not available", "double fault", "coprocessor overrun",
	"invalid TSS", "segment not present", "stack fault", "general protection",
	"page fault", "reserved", "x87 FP", "alignment check", "machine check", "SIMD FP",
	"virtualization", "control protection",
};

static void print_symbol_line(int depth, uint64_t addr)
{
	uint64_t off;
	const char *name = ksyms_lookup(addr, &off);
	if (name)
		printk(LOG_EMERG, "  #%d 0x%016lx %s+0x%lx", depth, addr, name, off);
	else
		printk(LOG_EMERG, "  #%d 0x%016lx", depth, addr);
}

static bool kernel_text(uint64_t a)
{
	extern char __kernel_start[], __text_end[];
	return a >= (uint64_t)__kernel_start && a < (uint64_t)__text_end;
}

static bool kernel_addr(uint64_t a)
{
	return a >= 0xffff800000000000ull && (a & 7) == 0;
}

void trap_backtrace(uint64_t rip, uint64_t rbp)
{
	printk(LOG_EMERG, "backtrace:");
	print_symbol_line(0, rip);
	for (int depth = 1; depth < 16 && rbp && kernel_addr(rbp); depth++) {
		uint64_t ret = ((uint64_t *)rbp)[1];
		if (!kernel_text(ret))
			break;
		print_symbol_line(depth, ret);
		rbp = ((uint64_t *)rbp)[0];
	}
}

static void dump_frame(const struct trap_frame *f)
{
	const char *name = f->vector < ARRAY_SIZE(vector_names) ? vector_names[f->vector] : "exception";
	printk(LOG_EMERG, "exception %lu (%s), error 0x%lx, RIP 0x%016lx, CR2 0x%016lx",
	       f->vector, name, f->error, f->rip, read_cr2());
	printk(LOG_EMERG, "RAX %016lx RBX %016lx RCX %016lx RDX %016lx", f->rax, f->rbx, f->rcx, f->rdx);
	printk(LOG_EMERG, "RSI %016lx RDI %016lx RBP %016lx RSP %016lx", f->rsi, f->rdi, f->rbp, f->rsp);
	printk(LOG_EMERG, "R8  %016lx R9  %016lx R10 %016lx R11 %016lx", f->r8, f->r9, f->r10, f->r11);
	printk(LOG_EMERG, "R12 %016lx R13 %016lx R14 %016lx R15 %016lx", f->r12, f->r13, f->r14, f->r15);
	printk(LOG_EMERG, "CS %04lx SS %04lx RFLAGS %08lx CR3 %016lx", f->cs, f->ss, f->rflags, read_cr3());
	trap_backtrace(f->rip, f->rbp);
}

static void resume_at_catch(struct trap_frame *f)
{
	struct kjmp *j = catch_point;
	catch_point = 0;
	recovered++;
	f->rbx = j->rbx;
	f->rbp = j->rbp;
	f->r12 = j->r12;
	f->r13 = j->r13;
	f->r14 = j->r14;
	f->r15 = j->r15;
	f->rsp = j->rsp;
	f->rip = j->rip;
	f->rax = 1;
}

void trap_dispatch(struct trap_frame *f)
{
	if (f->vector == 14 && pf_hook) {
		enum pf_result r = pf_hook(read_cr2(), f->error, f->rip);
		if (r == PF_RECOVER && catch_point) {
			resume_at_catch(f);
			return;
		}
	}
	dump_frame(f);
	if (catch_point && f->vector != 8) {
		printk(LOG_ERR, "command abandoned after an unexpected exception");
		resume_at_catch(f);
		return;
	}
	printk(LOG_EMERG, "kernel halted");
	cpu_halt_forever();
}
