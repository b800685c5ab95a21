/* SPDX-License-Identifier: BSD-2-Clause */
/* kvm.h - the kernel's address space: its page tables, built from the memory map at boot.
 *
 * Layout (docs/boot-protocol.md): the direct map at DIRECT_MAP_BASE holds usable RAM and the
 * firmware's ACPI/reserved memory (read-write, no-execute), never SP memory and never MMIO;
 * the kernel image sits at its link address with per-section permissions; dax owner windows
 * live at DAX_WINDOW_BASE (mm/dax.h). Table pages come from a page source the caller sets:
 * the early allocator first, then the page allocator. */
#ifndef SPMK_KERNEL_KVM_H
#define SPMK_KERNEL_KVM_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/status.h"
#include "mm/vm.h"

/* The direct map covers physical addresses below this (64 TiB): the virtual space from
 * DIRECT_MAP_BASE up to the dax windows. RAM above it is not managed. */
#define KVM_DIRECT_MAP_MAX (1ull << 46)

struct kvm_page_source {
	status_t (*alloc)(void *ctx, paddr_t *phys_out);
	void (*free)(void *ctx, paddr_t phys);
	void *ctx;
};

extern struct vm_space kvm_space;

/* CPU features that decide page sizes and permission bits; call before kvm_build. */
void kvm_probe_cpu(void);
bool kvm_has_1g_pages(void);
uint64_t kvm_max_page(void);

void kvm_set_page_source(const struct kvm_page_source *src);
/* flags with VM_EXEC added when the CPU has no NX (the NX bit is then reserved). */
unsigned kvm_nx_fixup(unsigned flags);
/* Maps one physical range into the direct map (write, no-execute, 1 GiB/2 MiB pages where
 * they fit). */
status_t kvm_direct_map(uint64_t base, uint64_t end);
/* Creates a fresh PML4 and maps the kernel image; the caller adds direct-map ranges, then
 * calls kvm_activate. */
status_t kvm_build(uint64_t kernel_phys, uint64_t kernel_virt, uint64_t kernel_size);
void kvm_activate(void);
/* Makes sure firmware memory [pa, pa+len) (ACPI tables) is readable through the direct map,
 * mapping the missing pages read-only. Errors: ST_NOMEM, ST_RANGE. */
status_t kvm_map_firmware(uint64_t pa, uint64_t len);

#endif
