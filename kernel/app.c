/* SPDX-License-Identifier: BSD-2-Clause */
/* app.c - app images, address spaces, entering ring 3 and ending an app (see app.h). */
#include "kernel/app.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/syscall.h"
#include "kernel/app_calls.h"
#include "kernel/kernel.h"
#include "kernel/kvm.h"
#include "kernel/printk.h"
#include "kernel/shell/shell.h"
#include "lib/check.h"
#include "lib/fmt.h"
#include "lib/kstring.h"

#define PML4_KERNEL_IMAGE 511 /* the PML4 slot of KERNEL_VIRT_BASE: shared, supervisor-only */

extern char app_kstack_top[];
extern void user_enter(uint64_t rip, uint64_t rsp, uint64_t argc, uint64_t argv, uint64_t rflags)
	__attribute__((noreturn));

static struct app_image images[BOOT_MODULES_MAX];
static unsigned nimages;
static struct app the_app; /* one app at a time: the shell waits for it */
static struct app *current;
static uint32_t runs;

/* ---------------------------------------------------------------- images */

/* A module must lie in RAM the direct map covers, page-aligned, non-empty. */
static bool module_reachable(const struct boot_module *m)
{
	uint64_t end;
	if (m->size == 0 || m->phys % PAGE_SIZE || add_overflows(m->phys, m->size, &end) ||
	    end > KVM_DIRECT_MAP_MAX)
		return false;
	for (uint64_t p = m->phys; p < end; p += PAGE_SIZE)
		if (vm_translate(&kvm_space, va_of(DIRECT_MAP_BASE + p), 0, 0, 0) != ST_OK)
			return false;
	return true;
}

void app_init(const struct boot_info *bi)
{
	static const struct elf_bounds bounds = { USPACE_IMAGE_MIN, USPACE_IMAGE_MAX, "app" };
	unsigned ok = 0;
	for (uint32_t i = 0; i < bi->module_count && i < BOOT_MODULES_MAX; i++) {
		const struct boot_module *m = &bi->modules[i];
		struct app_image *img = &images[nimages++];
		memcpy(img->name, m->name, BOOT_MODULE_NAME);
		img->name[BOOT_MODULE_NAME - 1] = '\0';
		img->phys = m->phys;
		img->size = m->size;
		if (!module_reachable(m)) {
			printk(LOG_ERR,
			       "app %s: module of %lu bytes at 0x%lx is not in mapped RAM; "
			       "it cannot run",
			       img->name, m->size, m->phys);
			continue;
		}
		img->valid = elf_validate_bounds(phys_to_virt(m->phys), m->size, &bounds, &img->elf,
						 &kout) == ST_OK;
		if (!img->valid)
			printk(LOG_ERR, "app %s: not a valid app ELF (%lu bytes); it cannot run",
			       img->name, m->size);
		ok += img->valid;
	}
	if (bi->modules_skipped)
		printk(LOG_WARN, "app: the loader skipped %u files of \\spmk\\apps (see its log)",
		       bi->modules_skipped);
	printk(LOG_INFO, "app: %u apps (%u modules, %u rejected)", ok, nimages, nimages - ok);
	syscall_init();
	gdt_set_rsp0(0, (uint64_t)app_kstack_top); /* apps run on the boot CPU, with the shell */
}

unsigned app_image_count(void) { return nimages; }
const struct app_image *app_image_get(unsigned i) { return i < nimages ? &images[i] : 0; }
const struct app_image *app_image_find(const char *name)
{
	for (unsigned i = 0; i < nimages; i++)
		if (strcmp(images[i].name, name) == 0)
			return &images[i];
	return 0;
}

struct app *app_current(void) { return current; }

/* ---------------------------------------------------------------- page tables of an app */

static status_t pt_alloc(void *ctx, paddr_t *phys)
{
	(void)ctx;
	pfn_t pfn;
	status_t st = buddy_alloc(&K.buddy, 0, -1, BUDDY_OWNER(BUDDY_OWNER_PAGETABLE), &pfn);
	*phys = pfn_to_pa(pfn);
	return st;
}
static void pt_free(void *ctx, paddr_t phys)
{
	(void)ctx;
	CHECK_OK(buddy_free(&K.buddy, pa_to_pfn(phys), 0)); /* a table this space allocated */
}
static void *pt_virt(void *ctx, paddr_t phys)
{
	(void)ctx;
	return phys_to_virt(phys.v);
}
/* The app's space is never the current CR3 while the kernel changes it (system calls run on
 * the kernel's tables), no other CPU ever loads it, and returning to the app reloads CR3:
 * nothing to flush here, and no shootdown round (flush_sync NULL). */
static void pt_flush_page(void *ctx, uint64_t va) { (void)ctx, (void)va; }
static void pt_flush_all(void *ctx) { (void)ctx; }
static const struct vm_ops app_vm_ops = {
	.alloc_table = pt_alloc,
	.free_table = pt_free,
	.phys_to_virt = pt_virt,
	.flush_page = pt_flush_page,
	.flush_all = pt_flush_all,
};

/* uspace accessor: app pages are ordinary RAM in the direct map; anything else (a dax
 * device's SP memory) is not read on the app's behalf. */
static void *user_phys(void *ctx, uint64_t pa)
{
	(void)ctx;
	if (pa >= KVM_DIRECT_MAP_MAX)
		return 0;
	vaddr_t dm = va_of(DIRECT_MAP_BASE + ALIGN_DOWN(pa, PAGE_SIZE));
	if (vm_translate(&kvm_space, dm, 0, 0, 0) != ST_OK)
		return 0;
	return phys_to_virt(pa);
}

static unsigned order_for(uint64_t pages, uint64_t va)
{
	unsigned o = 0;
	while (o < 9 && (2ull << o) <= pages && IS_ALIGNED(va, PAGE_SIZE << (o + 1)))
		o++;
	return o;
}

status_t app_map_pages(struct app *a, uint64_t va, uint64_t pages, int node, unsigned buddy_flags,
		       unsigned vm_flags, uint16_t alloc)
{
	uint32_t first = a->nblocks;
	status_t st = ST_OK;
	for (uint64_t done = 0; done < pages && st == ST_OK;) {
		unsigned o = order_for(pages - done, va + done * PAGE_SIZE);
		pfn_t pfn;
		if (a->nblocks == APP_BLOCKS) {
			st = ST_RANGE;
			break;
		}
		st = buddy_alloc(&K.buddy, o, node, buddy_flags | BUDDY_ZERO, &pfn);
		while (st == ST_NOMEM && o > 0)
			st = buddy_alloc(&K.buddy, --o, node, buddy_flags | BUDDY_ZERO, &pfn);
		if (st != ST_OK)
			break;
		uint64_t bva = va + done * PAGE_SIZE, bytes = PAGE_SIZE << o;
		st = vm_map(&a->vm, va_of(bva), pfn_to_pa(pfn), bytes,
			    kvm_nx_fixup(vm_flags | VM_USER), VM_PAGE_2M);
		if (st != ST_OK) {
			CHECK_OK(buddy_free(&K.buddy, pfn, o));
			break;
		}
		a->blocks[a->nblocks++] = (struct app_block){ bva, pfn, (uint8_t)o, alloc };
		done += 1ull << o;
	}
	if (st != ST_OK) { /* undo this call's blocks: they are the last ones */
		while (a->nblocks > first) {
			struct app_block *b = &a->blocks[--a->nblocks];
			CHECK_OK(vm_unmap(&a->vm, va_of(b->va), PAGE_SIZE << b->order));
			CHECK_OK(buddy_free(&K.buddy, b->pfn, b->order));
		}
	}
	return st;
}

void app_unmap_alloc(struct app *a, uint16_t alloc)
{
	uint32_t keep = 0;
	for (uint32_t i = 0; i < a->nblocks; i++) {
		struct app_block *b = &a->blocks[i];
		if (b->alloc != alloc) {
			a->blocks[keep++] = *b;
			continue;
		}
		/* whole blocks mapped as they were allocated: no split, no table needed */
		CHECK_OK(vm_unmap(&a->vm, va_of(b->va), PAGE_SIZE << b->order));
		CHECK_OK(buddy_free(&K.buddy, b->pfn, b->order));
	}
	a->nblocks = keep;
}

/* ---------------------------------------------------------------- building an app */

static status_t app_space_new(struct app *a)
{
	status_t st = vm_space_init(&a->vm, &app_vm_ops);
	if (st != ST_OK)
		return st;
	uint64_t *pml4 = phys_to_virt(a->vm.pml4_phys.v);
	const uint64_t *kpml4 = phys_to_virt(kvm_space.pml4_phys.v);
	pml4[PML4_KERNEL_IMAGE] = kpml4[PML4_KERNEL_IMAGE];
	a->u = (struct uspace){ &a->vm, user_phys, 0 };
	return ST_OK;
}

/* The segments: fresh zeroed pages, the file bytes copied in, then the final permissions. */
static status_t app_load_image(struct app *a)
{
	const struct elf_image *e = &a->img->elf;
	const uint8_t *file = phys_to_virt(a->img->phys);
	for (unsigned i = 0; i < e->nseg; i++) {
		const struct elf_segment *sg = &e->seg[i];
		uint64_t lo = ALIGN_DOWN(sg->vaddr, PAGE_SIZE),
			 hi = ALIGN_UP(sg->vaddr + sg->memsz, PAGE_SIZE);
		/* segments may share a page (elf_validate allows it): map what is still missing */
		for (uint64_t p = lo; p < hi; p += PAGE_SIZE) {
			if (vm_translate(&a->vm, va_of(p), 0, 0, 0) == ST_OK)
				continue;
			status_t st = app_map_pages(a, p, 1, -1, BUDDY_OWNER(BUDDY_OWNER_OTHER),
						    VM_WRITE, 0);
			if (st != ST_OK)
				return st;
		}
		CHECK_OK(uspace_copy_out(&a->u, sg->vaddr, file + sg->offset, sg->filesz));
	}
	for (unsigned i = 0; i < e->nseg; i++) {
		const struct elf_segment *sg = &e->seg[i];
		uint64_t lo = ALIGN_DOWN(sg->vaddr, PAGE_SIZE),
			 hi = ALIGN_UP(sg->vaddr + sg->memsz, PAGE_SIZE);
		unsigned f = VM_USER | (sg->flags & ELF_PF_W ? VM_WRITE : 0) |
			     (sg->flags & ELF_PF_X ? VM_EXEC : 0);
		status_t st = vm_protect(&a->vm, va_of(lo), hi - lo, kvm_nx_fixup(f));
		if (st != ST_OK)
			return st;
	}
	return ST_OK;
}

/* The stack, and argv on it: strings at the top, then the pointer array; returns the
 * initial rsp (16-byte aligned) and the address of argv. */
static status_t app_load_stack(struct app *a, int argc, char **argv, uint64_t *rsp, uint64_t *uargv)
{
	uint64_t base = USPACE_STACK_TOP - USPACE_STACK_SIZE;
	status_t st = app_map_pages(a, base, USPACE_STACK_SIZE / PAGE_SIZE, -1,
				    BUDDY_OWNER(BUDDY_OWNER_OTHER), VM_WRITE, 0);
	if (st != ST_OK)
		return st;
	uint64_t sp = USPACE_STACK_TOP, ptrs[APP_ARGS_MAX + 1];
	for (int i = argc - 1; i >= 0; i--) {
		size_t n = strlen(argv[i]) + 1;
		sp -= n;
		CHECK_OK(uspace_copy_out(&a->u, sp, argv[i], n));
		ptrs[i] = sp;
	}
	ptrs[argc] = 0;
	sp = ALIGN_DOWN(sp, 16) - ALIGN_UP((argc + 1) * 8ull, 16);
	CHECK_OK(uspace_copy_out(&a->u, sp, ptrs, (argc + 1) * 8ull));
	*uargv = sp;
	*rsp = sp - 8; /* as after a call: the entry function sees rsp + 8 aligned to 16 */
	return ST_OK;
}

/* Every claim released (unmapped, scrubbed), every page and table freed. Cannot fail. */
static void app_teardown(struct app *a)
{
	for (unsigned i = 0; i < APP_CLAIMS; i++) {
		struct app_claim *c = &a->claims[i];
		if (!c->used)
			continue;
		if (c->va)
			app_dax_unmap(a, c); /* what the app wrote joins the claim's written set */
		char name[DAX_NAME_MAX];
		dax_device_name(&K.dax, c->dev, name, sizeof name);
		CHECK_OK(dax_release(&K.dax, c->h)); /* the app's own valid claim */
		printk(LOG_INFO, "app %s: %s released at exit (unmapped, scrubbed)", a->img->name,
		       name);
		c->used = false;
	}
	for (unsigned i = 0; i < APP_ALLOCS; i++)
		if (a->allocs[i].used && a->allocs[i].movable)
			app_free_movable(a, i);
	app_unmap_alloc(a, 0);
	for (unsigned i = 0; i < APP_ALLOCS; i++)
		if (a->allocs[i].used)
			app_unmap_alloc(a, (uint16_t)(i + 1));
	CHECK_OP(a->nblocks, ==, 0);
	uint64_t *pml4 = phys_to_virt(a->vm.pml4_phys.v);
	pml4[PML4_KERNEL_IMAGE] = 0; /* shared with the kernel: not ours to free */
	vm_space_destroy(&a->vm);
	memset(a, 0, sizeof *a);
}

/* Any entry from ring 3: the app may have loaded GS (which clears its base), and the kernel
 * runs on its own page tables. Apps run on the boot CPU only. */
static void app_kernel_enter(void)
{
	percpu_set_base(0);
	write_cr3(kvm_space.pml4_phys.v);
}

/* After an interrupt that came from ring 3 (the timer tick): Ctrl-C ends the app, else back
 * to its page tables. */
static void app_irq_return(void)
{
	if (shell_interrupted())
		app_end_now(APP_INTERRUPTED, 0, "stopped by Ctrl-C");
	write_cr3(current->vm.pml4_phys.v);
}

/* An exception in ring 3: the app ends with a report. */
static void app_trap(struct trap_frame *f)
{
	char why[192];
	if (f->vector == 14)
		fmt_snprintf(why, sizeof why, "page fault at 0x%lx (%s %s, %s), RIP 0x%lx",
			     read_cr2(),
			     f->error & 2    ? "write"
			     : f->error & 16 ? "fetch"
					     : "read",
			     f->error & 1 ? "protection violation" : "not mapped",
			     read_cr2() >= USPACE_END ? "kernel half" : "user half", f->rip);
	else
		fmt_snprintf(why, sizeof why, "%s (exception %lu, error 0x%lx), RIP 0x%lx",
			     trap_vector_name(f->vector), f->vector, f->error, f->rip);
	app_end_now(APP_FAULTED, 0, why);
}

void app_end_now(enum app_end end, int status, const char *reason)
{
	struct app *a = current;
	CHECK(a != 0);
	write_cr3(kvm_space.pml4_phys.v);
	a->end = end;
	a->status = status;
	fmt_snprintf(a->reason, sizeof a->reason, "%s", reason ? reason : "");
	kjmp_resume(&a->resume, 1);
}

status_t app_run(const struct app_image *img, int argc, char **argv, enum app_end *end, int *status,
		 char *reason, size_t reason_len)
{
	if (!img || !img->valid)
		return ST_INVALID;
	size_t bytes = 0;
	for (int i = 0; i < argc; i++)
		bytes += strlen(argv[i]) + 1;
	if (argc < 1 || argc > APP_ARGS_MAX || bytes > APP_ARGS_BYTES)
		return ST_RANGE;
	struct app *a = &the_app;
	CHECK(current == 0);
	CHECK_OP(this_cpu_index(), ==, 0); /* the boot CPU has the SYSCALL MSRs and the app stack */
	memset(a, 0, sizeof *a);
	a->img = img;
	/* "app.NAME.RUN", NAME cut so that the run number and a movable allocation's ".SLOT"
	 * (app_mem.c) still fit a memory-object name: every name stays distinct */
	char run[12];
	int nrun = fmt_snprintf(run, sizeof run, "%u", ++runs);
	int keep = MEMOBJ_NAME_MAX - APP_SLOT_SUFFIX_MAX - (int)sizeof "app.." + 1 - nrun;
	fmt_snprintf(a->owner, sizeof a->owner, "app.%.*s.%s", keep, img->name, run);
	CHECK_OK(uspace_va_init(&a->mem_va, USPACE_MEM_BASE, USPACE_DAX_BASE, SIZE_2M));
	CHECK_OK(uspace_va_init(&a->dax_va, USPACE_DAX_BASE, USPACE_DAX_END, SIZE_1G));
	a->next_gen = (uint32_t)rdtsc();
	status_t st = app_space_new(a);
	if (st != ST_OK)
		return st;
	uint64_t rsp = 0, uargv = 0;
	st = app_load_image(a);
	if (st == ST_OK)
		st = app_load_stack(a, argc, argv, &rsp, &uargv);
	if (st != ST_OK) {
		app_teardown(a);
		return st;
	}
	static const struct user_hooks hooks = {
		.enter = app_kernel_enter,
		.exception = app_trap,
		.irq_return = app_irq_return,
	};
	bool irqs_on = interrupts_enabled();
	a->irqs_on = irqs_on;
	trap_set_user_hooks(&hooks);
	current = a;
	/* A kernel fault during one of the app's system calls (a kernel bug, reported by the
	 * trap handler) comes back here too and ends the app: its resources are still given back. */
	static struct kjmp kfault;
	struct kjmp *outer = trap_catch_current();
	if (trap_catch_begin(&kfault)) {
		write_cr3(kvm_space.pml4_phys.v);
		a->end = APP_KILLED;
		fmt_snprintf(a->reason, sizeof a->reason,
			     "kernel fault during a system call "
			     "(report above)");
	} else if (kjmp_set(&a->resume) == 0) {
		/* No interrupt between the switch to the app's tables and IRETQ (which sets IF from
		 * the RFLAGS given): in ring 0 the hooks do not switch back, and the handler would run
		 * on tables without the LAPIC or the heap, fault there again and again, and reset the
		 * machine without a word. */
		cli();
		write_cr3(a->vm.pml4_phys.v);
		user_enter(img->elf.entry, rsp, (uint64_t)argc, uargv, irqs_on ? 0x202 : 0x2);
	}
	/* back from app_end_now or the fault, on the kernel's page tables */
	if (outer)
		trap_catch_arm(outer);
	else
		trap_catch_end();
	current = 0;
	trap_set_user_hooks(0);
	if (irqs_on) /* an app ends from a system call or an interrupt, both with IF clear */
		__asm__ volatile("sti" ::: "memory");
	*end = a->end;
	*status = a->status;
	fmt_snprintf(reason, reason_len, "%s", a->reason);
	app_teardown(a);
	return ST_OK;
}
