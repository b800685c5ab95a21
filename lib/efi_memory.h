/* SPDX-License-Identifier: BSD-2-Clause */
/* efi_memory.h - UEFI memory types, attributes and the memory descriptor (UEFI 2.10 §7.2), and the
 * OS-defined types spmk's loader uses. The one definition shared by the loader, the SP firmware
 * stage, the kernel and mm/. Attribute macros that GNU-EFI also defines (with the same values) are
 * left to GNU-EFI when its headers come first. */
#ifndef SPMK_LIB_EFI_MEMORY_H
#define SPMK_LIB_EFI_MEMORY_H

#include <stdint.h>

/* UEFI memory types (EFI_MEMORY_TYPE, UEFI 2.10 §7.2.1). */
enum efi_mem_type {
	EFI_RESERVED_MEMORY = 0,
	EFI_LOADER_CODE = 1,
	EFI_LOADER_DATA = 2,
	EFI_BOOT_SERVICES_CODE = 3,
	EFI_BOOT_SERVICES_DATA = 4,
	EFI_RUNTIME_SERVICES_CODE = 5,
	EFI_RUNTIME_SERVICES_DATA = 6,
	EFI_CONVENTIONAL_MEMORY = 7,
	EFI_UNUSABLE_MEMORY = 8,
	EFI_ACPI_RECLAIM_MEMORY = 9,
	EFI_ACPI_MEMORY_NVS = 10,
	EFI_MEMORY_MAPPED_IO = 11,
	EFI_MEMORY_MAPPED_IO_PORT_SPACE = 12,
	EFI_PAL_CODE = 13,
	EFI_PERSISTENT_MEMORY = 14,
	EFI_UNACCEPTED_MEMORY = 15,
};

/* UEFI memory attributes (UEFI 2.10 §7.2.3, GetMemoryMap()). */
#ifndef EFI_MEMORY_UC
#define EFI_MEMORY_UC 0x1ull
#endif
#ifndef EFI_MEMORY_WC
#define EFI_MEMORY_WC 0x2ull
#endif
#ifndef EFI_MEMORY_WT
#define EFI_MEMORY_WT 0x4ull
#endif
#ifndef EFI_MEMORY_WB
#define EFI_MEMORY_WB 0x8ull
#endif
#ifndef EFI_MEMORY_UCE
#define EFI_MEMORY_UCE 0x10ull
#endif
#ifndef EFI_MEMORY_WP
#define EFI_MEMORY_WP 0x1000ull
#endif
#ifndef EFI_MEMORY_RP
#define EFI_MEMORY_RP 0x2000ull
#endif
#ifndef EFI_MEMORY_XP
#define EFI_MEMORY_XP 0x4000ull
#endif
#ifndef EFI_MEMORY_NV
#define EFI_MEMORY_NV 0x8000ull
#endif
#ifndef EFI_MEMORY_MORE_RELIABLE
#define EFI_MEMORY_MORE_RELIABLE 0x10000ull
#endif
#ifndef EFI_MEMORY_RO
#define EFI_MEMORY_RO 0x20000ull
#endif
#ifndef EFI_MEMORY_SP
#define EFI_MEMORY_SP 0x40000ull
#endif
#ifndef EFI_MEMORY_CPU_CRYPTO
#define EFI_MEMORY_CPU_CRYPTO 0x80000ull
#endif
#ifndef EFI_MEMORY_RUNTIME
#define EFI_MEMORY_RUNTIME 0x8000000000000000ull
#endif

/* EFI_MEMORY_DESCRIPTOR (UEFI 2.10 §7.2.3), the 40 bytes every version has. */
struct efi_mem_desc {
	uint32_t type;
	uint32_t pad;
	uint64_t phys_start;
	uint64_t virt_start;
	uint64_t num_pages; /* 4 KiB pages */
	uint64_t attribute;
};
_Static_assert(sizeof(struct efi_mem_desc) == 40, "EFI_MEMORY_DESCRIPTOR is 40 bytes");

/* OS-defined UEFI memory types (UEFI 2.10 §7.2: 0x80000000..0xFFFFFFFF are for OS loaders). */
#define SPMK_MEM_KERNEL 0x80000001u    /* kernel image (all PT_LOAD segments, bss included) */
#define SPMK_MEM_PAGETABLE 0x80000002u /* page tables built by the loader */
#define SPMK_MEM_BOOTINFO 0x80000003u  /* this structure and the memory-map buffer */
#define SPMK_MEM_MODULE 0x80000004u    /* boot modules (the apps' files) and their table */

#endif
