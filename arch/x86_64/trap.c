/* SPDX-License-Identifier: BSD-2-Clause */
/* trap.c - the IDT and the exception dispatcher (see trap.h); the GDT and TSS are gdt.c. */
#include "arch/x86_64/trap.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/percpu.h"
#include "kernel/ksyms.h"
#include "kernel/printk.h"
#include "lib/check.h"
#include "lib/kstring.h"
#include "lib/types.h"

#define IDT_VECTORS 33

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

extern uint64_t isr_stub_table[IDT_VECTORS];
extern uint64_t isr_irq_table[TRAP_IRQ_COUNT];
static const uint8_t irq_vectors[TRAP_IRQ_COUNT] = { VEC_TIMER, VEC_IPI, VEC_SPURIOUS };
static irq_handler_fn irq_handlers[256];

static struct idt_entry idt[256];
static uint8_t fault_stack[16384] __attribute__((aligned(16))); /* the boot CPU's IST1 */
#define PF_HOOKS_MAX 4
static pf_hook_fn pf_hooks[PF_HOOKS_MAX];
static const struct user_hooks *user_hooks;
static struct kjmp *catch_point;
static uint64_t recovered;

static void idt_set(unsigned v, uint64_t h)
{
	idt[v] = (struct idt_entry){
		.off_lo = h & 0xFFFF,
		.sel = KERNEL_CS,
		.ist = v == 8 ? 1 : 0,
		.type = 0x8E,
		.off_mid = (h >> 16) & 0xFFFF,
		.off_hi = h >> 32,
	};
}

static void idt_load(void)
{
	struct desc_ptr p = { sizeof idt - 1, (uint64_t)idt };
	__asm__ volatile("lidt %0" : : "m"(p));
}

void trap_init(void)
{
	percpu_set_base(0);
	gdt_init_cpu(0, (uint64_t)(fault_stack + sizeof fault_stack));
	for (unsigned v = 0; v < IDT_VECTORS; v++)
		idt_set(v, isr_stub_table[v]);
	for (unsigned i = 0; i < TRAP_IRQ_COUNT; i++)
		idt_set(irq_vectors[i], isr_irq_table[i]);
	idt_load();
}

void trap_init_ap(unsigned index, uint64_t ist_top)
{
	gdt_init_cpu(index, ist_top);
	idt_load();
}

void trap_set_irq(unsigned vector, irq_handler_fn fn) { irq_handlers[vector & 255] = fn; }
void trap_set_user_hooks(const struct user_hooks *hooks) { user_hooks = hooks; }

void trap_set_pf_hook(pf_hook_fn hook)
{
	for (unsigned i = 0; i < PF_HOOKS_MAX; i++)
		if (!pf_hooks[i]) {
			pf_hooks[i] = hook;
			return;
		}
	CHECK(!"more page-fault hooks than PF_HOOKS_MAX");
}

/* The first hook's decision other than PF_UNHANDLED, in the order they were added. */
static enum pf_result pf_offer(const struct trap_frame *f)
{
	uint64_t addr = read_cr2();
	for (unsigned i = 0; i < PF_HOOKS_MAX && pf_hooks[i]; i++) {
		enum pf_result r = pf_hooks[i](addr, f->error, f->rip);
		if (r != PF_UNHANDLED)
			return r;
	}
	return PF_UNHANDLED;
}
void trap_catch_arm(struct kjmp *j) { catch_point = j; }
void trap_catch_end(void) { catch_point = 0; }
struct kjmp *trap_catch_current(void) { return catch_point; }
uint64_t trap_recovered_count(void) { return recovered; }

static const char *const vector_names[] = {
	"divide error",
	"debug",
	"NMI",
	"breakpoint",
	"overflow",
	"bound range",
	"invalid opcode",
	"device not available",
	"double fault",
	"coprocessor overrun",
	"invalid TSS",
	"segment not present",
	"stack fault",
	"general protection",
	"page fault",
	"reserved",
	"x87 FP",
	"alignment check",
	"machine check",
	"SIMD FP",
	"virtualization",
	"control protection",
};

const char *trap_vector_name(uint64_t v)
{
	return v < ARRAY_SIZE(vector_names) ? vector_names[v] : "exception";
}

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

static bool kernel_addr(uint64_t a) { return a >= 0xffff800000000000ull && (a & 7) == 0; }

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
	const char *name =
		f->vector < ARRAY_SIZE(vector_names) ? vector_names[f->vector] : "exception";
	printk(LOG_EMERG, "exception %lu (%s), error 0x%lx, RIP 0x%016lx, CR2 0x%016lx", f->vector,
	       name, f->error, f->rip, read_cr2());
	printk(LOG_EMERG, "RAX %016lx RBX %016lx RCX %016lx RDX %016lx", f->rax, f->rbx, f->rcx,
	       f->rdx);
	printk(LOG_EMERG, "RSI %016lx RDI %016lx RBP %016lx RSP %016lx", f->rsi, f->rdi, f->rbp,
	       f->rsp);
	printk(LOG_EMERG, "R8  %016lx R9  %016lx R10 %016lx R11 %016lx", f->r8, f->r9, f->r10,
	       f->r11);
	printk(LOG_EMERG, "R12 %016lx R13 %016lx R14 %016lx R15 %016lx", f->r12, f->r13, f->r14,
	       f->r15);
	printk(LOG_EMERG, "CS %04lx SS %04lx RFLAGS %08lx CR3 %016lx", f->cs, f->ss, f->rflags,
	       read_cr3());
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

/* An exception on a CPU other than the boot CPU (whose shell owns the recovery point): that
 * CPU reports it and stops; the others go on. */
static void halt_this_cpu(void)
{
	struct percpu *c = this_cpu();
	printk(LOG_EMERG, "cpu %u (APIC id %u) halted after the exception above", c->index,
	       c->apic_id);
	c->state = CPU_HALTED;
	cpu_halt_forever();
}

void trap_dispatch(struct trap_frame *f)
{
	const struct user_hooks *u = (f->cs & 3) == 3 ? user_hooks : 0;
	if (u)
		u->enter();
	if (f->vector >= 32) {
		irq_handler_fn fn = irq_handlers[f->vector & 255];
		if (fn)
			fn();
		if (u)
			u->irq_return();
		return;
	}
	if (u)
		u->exception(f); /* an app's exception: ends the app, does not return */
	if (f->vector == 14) {
		enum pf_result r = pf_offer(f);
		if (r == PF_RETRY)
			return;
		if (r == PF_RECOVER && catch_point && this_cpu_index() == 0) {
			resume_at_catch(f);
			return;
		}
	}
	dump_frame(f);
	if (this_cpu_index() != 0)
		halt_this_cpu();
	if (catch_point && f->vector != 8) {
		printk(LOG_ERR, "command abandoned after an unexpected exception");
		resume_at_catch(f);
		return;
	}
	printk(LOG_EMERG, "kernel halted");
	cpu_halt_forever();
}
