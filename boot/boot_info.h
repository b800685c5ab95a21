/* SPDX-License-Identifier: BSD-2-Clause */
/* boot_info.h - the one structure the loader hands to the kernel (see docs/boot-protocol.md).
 *
 * The loader fills it, takes the final UEFI memory map into it, calls ExitBootServices and
 * jumps to the kernel entry with %rdi = the direct-map virtual address of this structure.
 * Every physical range the loader created for the kernel (image, page tables, this structure
 * and the memory-map buffer) is allocated with one of the OS-defined UEFI memory types below,
 * so the memory map itself says who owns those pages.
 *
 * Versioning: `magic` and `version` must match; `size` is sizeof(struct boot_info). A newer
 * loader may only append fields (raising `size`); a kernel reads what it knows. */
#ifndef SPMK_BOOT_INFO_H
#define SPMK_BOOT_INFO_H

#include "lib/efi_memory.h"

#include <stdint.h>

#define BOOT_INFO_MAGIC 0x4f464e494b4d5053ull /* "SPMKINFO" little-endian */
#define BOOT_INFO_VERSION 3
#define BOOT_CMDLINE_MAX 2048
#define BOOT_MODULE_NAME 32 /* bytes of a module name, NUL included */
#define BOOT_MODULES_MAX 32

/* Virtual layout set up by the loader (and kept by the kernel). */
#define DIRECT_MAP_BASE 0xffff800000000000ull  /* phys p is at DIRECT_MAP_BASE + p */
#define KERNEL_VIRT_BASE 0xffffffff80000000ull /* kernel image is linked at or above this */

enum boot_cmdline_source {
	BOOT_CMDLINE_NONE = 0,
	BOOT_CMDLINE_FWCFG = 1, /* QEMU fw_cfg file opt/spmk/cmdline */
	BOOT_CMDLINE_FILE = 2,  /* \spmk\cmdline.txt on the boot volume */
};

struct boot_info {
	uint64_t magic;   /* BOOT_INFO_MAGIC */
	uint32_t version; /* BOOT_INFO_VERSION */
	uint32_t size;    /* sizeof(struct boot_info) as the loader built it */

	/* The final UEFI memory map, exactly as GetMemoryMap returned it. */
	uint64_t memmap_phys;     /* physical address of the first descriptor */
	uint64_t memmap_size;     /* bytes of descriptors (count * desc_size) */
	uint64_t memmap_capacity; /* bytes of the buffer (>= memmap_size) */
	uint32_t desc_size;       /* bytes per descriptor, >= 40; step by this */
	uint32_t desc_version;    /* EFI_MEMORY_DESCRIPTOR_VERSION (1) */

	uint64_t rsdp_phys;      /* ACPI RSDP, 0 when the firmware has none */
	uint32_t rsdp_source;    /* 2: ACPI 2.0 table GUID, 1: ACPI 1.0 GUID, 0: none */
	uint32_t cmdline_source; /* enum boot_cmdline_source */
	uint32_t cmdline_len;    /* bytes in cmdline, not counting the NUL */
	uint32_t exit_retries;   /* how many stale map keys ExitBootServices saw */

	uint64_t kernel_phys;     /* physical base of the kernel image */
	uint64_t kernel_virt;     /* virtual base it is mapped at */
	uint64_t kernel_size;     /* bytes, page-aligned */
	uint64_t kernel_entry;    /* virtual entry point */
	uint64_t pagetable_phys;  /* the loader's PML4 (CR3 at kernel entry) */
	uint64_t direct_map_size; /* bytes of physical space the loader's direct map covers */

	uint64_t tsc_loader_start; /* TSC when the loader started */
	uint64_t tsc_exit_boot;    /* TSC just after ExitBootServices succeeded */
	uint64_t boot_info_phys;   /* physical address of this structure */

	char cmdline[BOOT_CMDLINE_MAX]; /* NUL-terminated */

	/* Version 2: boot modules, the files \spmk\apps\NAME.elf (the apps). Each file sits in
	 * its own page-aligned block of type SPMK_MEM_MODULE; the table is in this structure. The
	 * loader checks nothing about a module's contents: the kernel validates each one. */
	uint32_t module_count; /* entries used in modules[] */
	uint32_t
		modules_skipped; /* files the loader found but could not load (too many, too big) */
	struct boot_module {
		char name[BOOT_MODULE_NAME]; /* file name without ".elf", NUL-terminated */
		uint64_t phys;               /* physical base, page-aligned */
		uint64_t size;               /* bytes of the file */
	} modules[BOOT_MODULES_MAX];

	/* Version 3: scratch memory for the kernel's boot tables that grow with the memory map
	 * (its normalised map, RAM pieces, early-allocator ranges and grants), before it has any
	 * allocator: scratch_size bytes at scratch_phys, page-aligned, zeroed, in the same
	 * SPMK_MEM_BOOTINFO block as this structure, at least BOOT_SCRATCH_PER_DESC bytes per
	 * descriptor the memory-map buffer can hold (memmap_capacity / desc_size) plus
	 * BOOT_SCRATCH_FIXED. The kernel keeps it (owner boot_info). */
	uint64_t scratch_phys;
	uint64_t scratch_size;
};

#define BOOT_SCRATCH_PER_DESC 256u
#define BOOT_SCRATCH_FIXED (128u << 10)

_Static_assert(sizeof(struct boot_module) == 48, "boot_module layout changed");
_Static_assert(sizeof(struct boot_info) == 144 + BOOT_CMDLINE_MAX + 8 + 48 * BOOT_MODULES_MAX + 16,
	       "boot_info layout changed");
_Static_assert(__builtin_offsetof(struct boot_info, cmdline) == 144, "cmdline offset");

#endif
