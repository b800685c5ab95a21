/* SPDX-License-Identifier: BSD-2-Clause */
/* loader_modules.h - the loader's boot modules: every \spmk\apps\NAME.elf on the boot volume
 * is read into its own page-aligned block of type SPMK_MEM_MODULE and listed (name, physical
 * base, size) for struct boot_info (docs/boot-protocol.md). Contents are not checked here:
 * the kernel validates each module. A missing directory means no modules. */
#ifndef SPMK_BOOT_LOADER_MODULES_H
#define SPMK_BOOT_LOADER_MODULES_H

#include <efi.h>
#include <efilib.h>

#include "boot/boot_info.h"
#include "lib/out.h"

#define MODULE_MAX_BYTES (64ull << 20) /* a bigger file is skipped */

/* Allocates `pages` pages of type SPMK_MEM_MODULE outside SP memory (the loader's
 * loader_alloc); what names the block in errors. */
typedef EFI_STATUS (*module_alloc_fn)(void *ctx, UINTN pages, uint64_t *phys, const char *what);

struct loader_modules {
	uint32_t count, skipped;
	struct boot_module mod[BOOT_MODULES_MAX];
};

/* Reads the modules into m. A file that cannot be loaded (too many, too big, a name that is
 * not short ASCII, no memory) is skipped with a warning on log and counted in m->skipped.
 * Errors: only a directory that exists but cannot be read (the EFI status). */
EFI_STATUS loader_modules_load(EFI_SYSTEM_TABLE *st, EFI_FILE_HANDLE root, struct loader_modules *m,
			       module_alloc_fn alloc, void *ctx, struct out *log);
/* Frees every module block (on a loader error). */
void loader_modules_free(EFI_SYSTEM_TABLE *st, struct loader_modules *m);

#endif
