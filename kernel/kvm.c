/* SPDX-License-Identifier: BSD-2-Clause */
/* kvm.c - the kernel's page tables (see kvm.h). */
#include "kernel/kvm.h"

#include "arch/x86_64/cpu.h"
#include "boot/boot_info.h"
#include "kernel/printk.h"
#include "kernel/tlb.h"
#include "lib/kstring.h"

#define MSR_EFER 0xC0000080u
#define EFER_NXE (1ull << 11)

struct vm_space kvm_space;
static struct kvm_page_source source;
static bool have_1g, have_nx;

static status_t table_alloc(void *ctx, paddr_t *phys)
{
	(void)ctx;
	return source.alloc ? source.alloc(source.ctx, phys) : ST_NOMEM;
}
static void table_free(void *ctx, paddr_t phys)
{
	(void)ctx;
	if (source.free)
		source.free(source.ctx, phys);
}
static void *table_virt(void *ctx, paddr_t phys)
{
	(void)ctx;
	return (void *)(uintptr_t)(DIRECT_MAP_BASE + phys.v);
}
/* This CPU's part of a batch; the batch itself (which pages) is the vm call's own
 * (mm/vm_internal.h, struct vm_flush, on its caller's stack), so unmaps of kernel space on
 * several CPUs at once never share or reset each other's (docs/smp.md, "TLB shootdown"). */
static void flush_one(void *ctx, uint64_t va)
{
	(void)ctx;
	invlpg(va);
}
static void flush_everything(void *ctx)
{
	(void)ctx;
	tlb_flush_local_all();
}
/* One shootdown round per batch (kernel/tlb.h): the span when it is short, else everything. */
static void flush_sync(void *ctx, uint64_t va, uint64_t npages)
{
	(void)ctx;
	if (npages > TLB_RANGE_MAX)
		npages = 0;
	tlb_shootdown(npages ? va : 0, npages);
}

static const struct vm_ops kvm_ops = {
	.alloc_table = table_alloc,
	.free_table = table_free,
	.phys_to_virt = table_virt,
	.flush_page = flush_one,
	.flush_all = flush_everything,
	.flush_sync = flush_sync,
};

void kvm_probe_cpu(void)
{
	uint32_t r[4];
	cpuid(0x80000000u, 0, r);
	if (r[0] >= 0x80000001u) {
		cpuid(0x80000001u, 0, r);
		have_1g = r[3] & (1u << 26);
		have_nx = r[3] & (1u << 20);
	}
	if (have_nx)
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
}

bool kvm_has_1g_pages(void) { return have_1g; }
uint64_t kvm_max_page(void) { return have_1g ? VM_PAGE_1G : VM_PAGE_2M; }
void kvm_set_page_source(const struct kvm_page_source *src) { source = *src; }

/* Without NX support the NX bit is reserved: every mapping must then be "executable". */
unsigned kvm_nx_fixup(unsigned flags) { return have_nx ? flags : flags | VM_EXEC; }

status_t kvm_direct_map(uint64_t base, uint64_t end)
{
	return vm_map(&kvm_space, va_of(DIRECT_MAP_BASE + base), pa_of(base), end - base,
		      kvm_nx_fixup(VM_WRITE | VM_GLOBAL), kvm_max_page());
}

/* Text read-only and executable; everything after it (data, bss, symbols) writable, no-execute. */
status_t kvm_build(uint64_t kernel_phys, uint64_t kernel_virt, uint64_t kernel_size)
{
	extern char __text_end[], __kernel_end[];
	status_t st = vm_space_init(&kvm_space, &kvm_ops);
	if (st != ST_OK)
		return st;
	uint64_t text_size = ALIGN_UP((uint64_t)__text_end - kernel_virt, PAGE_SIZE);
	uint64_t image_size = ALIGN_UP((uint64_t)__kernel_end - kernel_virt, PAGE_SIZE);
	if (image_size > kernel_size)
		return ST_RANGE;
	st = vm_map(&kvm_space, va_of(kernel_virt), pa_of(kernel_phys), text_size,
		    VM_EXEC | VM_GLOBAL, VM_PAGE_4K);
	if (st == ST_OK)
		st = vm_map(&kvm_space, va_of(kernel_virt + text_size),
			    pa_of(kernel_phys + text_size), kernel_size - text_size,
			    kvm_nx_fixup(VM_WRITE | VM_GLOBAL), VM_PAGE_4K);
	return st;
}

void kvm_activate(void) { write_cr3(kvm_space.pml4_phys.v); }

status_t kvm_map_firmware(uint64_t pa, uint64_t len)
{
	uint64_t end;
	if (__builtin_add_overflow(pa, len, &end) || end > KVM_DIRECT_MAP_MAX)
		return ST_RANGE;
	for (uint64_t p = ALIGN_DOWN(pa, PAGE_SIZE); p < end; p += PAGE_SIZE) {
		if (vm_translate(&kvm_space, va_of(DIRECT_MAP_BASE + p), 0, 0, 0) == ST_OK)
			continue;
		status_t st = vm_map(&kvm_space, va_of(DIRECT_MAP_BASE + p), pa_of(p), PAGE_SIZE,
				     kvm_nx_fixup(VM_GLOBAL), VM_PAGE_4K);
		if (st != ST_OK)
			return st;
	}
	return ST_OK;
}
