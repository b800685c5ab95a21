/* SPDX-License-Identifier: BSD-2-Clause */
/* app.h - apps: ring-3 programs loaded as boot modules, one at a time (docs/apps.md).
 *
 * At boot app_init validates each module the loader listed (boot_info modules: the files
 * \spmk\apps\NAME.elf) with elf_validate_bounds inside the user image range (mm/uspace.h); a bad
 * one is reported with its reason and cannot be run. app_run builds the app's own address
 * space (a fresh PML4: the user half private, the kernel image's PML4 slot shared and
 * supervisor-only, nothing else of the kernel), copies the segments into fresh zeroed pages,
 * puts the arguments on a 256 KiB stack with an unmapped guard page below it, and enters
 * ring 3. The shell waits: app_run returns when the app exits, faults or is stopped by Ctrl-C
 * (checked at every system call and timer tick), after app_teardown released every dax claim (unmapped and
 * scrubbed) and freed every page: image, stack, memory, page tables.
 *
 * System calls (kernel/app_syscall.c) run on the kernel's own page tables and reach the app's
 * memory only through uspace_copy_* (mm/uspace.h). */
#ifndef SPMK_KERNEL_APP_H
#define SPMK_KERNEL_APP_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/trap.h"
#include "boot/boot_info.h"
#include "boot/elf_validate.h"
#include "include/spmk/args.h"
#include "mm/dax.h"
#include "mm/uspace.h"
#include "mm/uspace_va.h"
#include "mm/vm.h"

#define APP_ARGS_MAX SPMK_ARGS_MAX     /* arguments, the name included (spmk/args.h) */
#define APP_ARGS_BYTES SPMK_ARGS_BYTES /* bytes of argument strings, NULs included */
#define APP_CLAIMS 16                  /* dax claims an app may hold at once */
#define APP_ALLOCS 64                  /* memory allocations an app may hold at once */
#define APP_SLOT_SUFFIX_MAX 3 /* ".SLOT" of a movable allocation's name: "." and up to 2 digits */
_Static_assert(APP_ALLOCS <= 100, "APP_SLOT_SUFFIX_MAX holds the slot numbers");
_Static_assert(APP_ALLOCS <= USPACE_VA_LIVE_MAX && APP_CLAIMS <= USPACE_VA_LIVE_MAX,
	       "every allocation and mapping has room in its area's free set");
#define APP_BLOCKS 16384 /* physical blocks behind image, stack and allocations */

struct app_image {
	char name[BOOT_MODULE_NAME];
	uint64_t phys, size; /* the module's bytes */
	bool valid;          /* elf_validate_bounds accepted it */
	struct elf_image elf;
};

/* How an app ended. */
enum app_end { APP_EXITED, APP_FAULTED, APP_INTERRUPTED, APP_KILLED };

struct app_claim {
	bool used;
	uint32_t gen; /* part of the handle: handle = slot | gen << 8 */
	uint32_t dev;
	struct dax_handle h;
	uint64_t va, size; /* mapping in the app, 0 when not mapped */
};

/* One allocation of SPMK_SYS_MEM_ALLOC: blocks [first, first + nblocks) of the block table, or
 * with movable, memory object `obj` (mm/memobj.h). */
struct app_alloc {
	bool used, movable;
	uint64_t va, pages;
	unsigned obj;
};

struct app_block {
	uint64_t va;
	pfn_t pfn;
	uint8_t order;
	uint16_t alloc; /* allocation + 1, 0 for image and stack */
};

struct app {
	const struct app_image *img;
	struct vm_space vm;
	struct uspace u;
	char owner[DAX_OWNER_MAX + 1]; /* "app.NAME.N": the dax owner name of its claims */
	struct kjmp resume;            /* where app_run continues when the app ends */
	bool irqs_on; /* the kernel ran with interrupts on: so do the app and its calls */
	enum app_end end;
	int status;                      /* exit status (APP_EXITED) */
	char reason[192];                /* fault or kill report */
	struct uspace_va mem_va, dax_va; /* free addresses of the two areas (mm/uspace_va.h) */
	uint32_t next_gen;
	struct app_claim claims[APP_CLAIMS];
	struct app_alloc allocs[APP_ALLOCS];
	uint32_t nblocks;
	struct app_block blocks[APP_BLOCKS];
};

/* Validates the modules of boot_info (prints one line per bad module and a summary). */
void app_init(const struct boot_info *bi);
/* The images, valid or not. */
unsigned app_image_count(void);
const struct app_image *app_image_get(unsigned i);
const struct app_image *app_image_find(const char *name);

/* Runs img with argv[0..argc) (argv[0] the app name) and waits for it. Returns ST_OK when
 * the app ran (then *end and *status say how it ended, reason the report of a fault or
 * kill), or: ST_INVALID (img not valid), ST_RANGE (arguments too many or too long), ST_NOMEM
 * (no memory for the address space, image or stack; nothing left allocated). */
status_t app_run(const struct app_image *img, int argc, char **argv, enum app_end *end, int *status,
		 char *reason, size_t reason_len);

/* The running app, or NULL (for system calls and the trap hook). */
struct app *app_current(void);
/* Ends the running app from a system call or a trap: app_run continues. */
__attribute__((noreturn)) void app_end_now(enum app_end end, int status, const char *reason);

/* Blocks of the running app: maps `pages` new zeroed pages at va (BUDDY flags in alloc_flags,
 * node preference), recorded with tag alloc. Errors: ST_NOMEM (nothing left changed),
 * ST_RANGE (block table full). */
status_t app_map_pages(struct app *a, uint64_t va, uint64_t pages, int node, unsigned buddy_flags,
		       unsigned vm_flags, uint16_t alloc);
/* Unmaps and frees every block tagged alloc. */
void app_unmap_alloc(struct app *a, uint16_t alloc);

#endif
