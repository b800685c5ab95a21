/* SPDX-License-Identifier: BSD-2-Clause */
/* loader.c - the spmk UEFI loader (\EFI\BOOT\BOOTX64.EFI): command line, kernel ELF, RSDP,
 * page tables, boot_info, final memory map, ExitBootServices, jump (docs/boot-protocol.md).
 *
 * struct loader holds everything the stages produce, including each block allocated so far,
 * so a failure at any stage can free what exists and report once. After the first
 * ExitBootServices attempt the UEFI console is no longer used: messages go to COM1 directly. */
#include <efi.h>
#include <efilib.h>

#include "boot/boot_info.h"
#include "boot/efi_util.h"
#include "boot/elf_validate.h"
#include "boot/fwcfg.h"
#include "boot/loader_modules.h"
#include "boot/memmap_append.h"
#include "boot/memmap_buf.h"
#include "boot/paging.h"
#include "boot/sp_claim.h"
#include "lib/fmt.h"
#include "lib/parse.h"
#include "lib/types.h"

#define LOADER_PREFIX "spmk-loader"
#define EXIT_ATTEMPTS 8
#define MEMMAP_SLACK_DESCS 64 /* room for descriptors added after the size was measured */
#define LOADER_HELD_MAX 128   /* held SP ranges inside struct loader; more grow from the pool */
#define SP_CLAIM_PASSES 4     /* map reads looking for free SP memory to hold */
#define LOADER_ALLOC_TRIES 8  /* allocations of one block that may land in SP memory */

struct loader {
	EFI_HANDLE image;
	EFI_SYSTEM_TABLE *st;
	struct efi_con con;
	struct out *log;
	EFI_FILE_HANDLE root;
	uint64_t tsc_start;
	bool exit_attempted; /* console is off limits once true */

	char cmdline[BOOT_CMDLINE_MAX];
	size_t cmdline_len;
	uint32_t cmdline_src;

	struct elf_image elf;
	uint64_t kphys;
	UINTN kpages;

	uint64_t rsdp;
	uint32_t rsdp_src;

	uint64_t dm_size;
	uint64_t pt_phys, pml4;
	UINTN pt_pages;

	struct boot_info *bi;
	UINTN bi_pages;
	unsigned stale_keys_wanted;  /* test knob: fw_cfg opt/spmk/test-stale-map-key */
	struct memmap_append append; /* test knob: fw_cfg opt/spmk/test-memmap-append */
	struct sp_claims sp;         /* SP memory of the last map read: always avoided */
	struct range *held; /* free SP ranges held as LoaderData through the exit: held0 or pool */
	unsigned nheld, cap_held;
	struct range held0[LOADER_HELD_MAX];
	struct range
		aside[3 *
		      LOADER_ALLOC_TRIES]; /* loader blocks that landed in SP, freed at the end */
	unsigned naside;
	bool poison_desc_size;         /* test knob: fw_cfg opt/spmk/test-memmap-poison */
	uint64_t poison;               /* ... and the value the out-parameters get */
	struct loader_modules modules; /* \spmk\apps\*.elf */
	uint8_t *memmap;
	UINTN memmap_cap;
	uint64_t scratch_phys, scratch_size; /* boot_info version 3 */
	uint32_t exit_retries;
};

static EFI_STATUS loader_error(struct loader *L, EFI_STATUS s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static EFI_STATUS loader_error(struct loader *L, EFI_STATUS s, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	va_start(ap, fmt);
	fmt_vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (L->exit_attempted) {
		com1_write(LOADER_PREFIX ": error: ");
		com1_write(line);
		com1_write("\n");
	} else {
		out_log(L->log, LOG_ERR, "%s", line);
	}
	return s;
}

/* Drops trailing CR/LF and cuts at the first NUL; returns the new length. */
static size_t loader_trim(char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\0')
			n = i;
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	s[n] = '\0';
	return n;
}

static EFI_STATUS loader_cmdline_file(struct loader *L)
{
	void *buf;
	UINTN size;
	EFI_STATUS s = efi_read_file(L->st, L->root, L"\\spmk\\cmdline.txt", &buf, &size);
	if (s == EFI_NOT_FOUND)
		return EFI_SUCCESS;
	if (EFI_ERROR(s))
		return loader_error(L, s, "cannot read \\spmk\\cmdline.txt (EFI status 0x%llx)",
				    (unsigned long long)s);
	if (size >= BOOT_CMDLINE_MAX) {
		L->st->BootServices->FreePool(buf);
		return loader_error(L, EFI_BAD_BUFFER_SIZE,
				    "\\spmk\\cmdline.txt is %llu bytes, max %u",
				    (unsigned long long)size, BOOT_CMDLINE_MAX - 1);
	}
	for (UINTN i = 0; i < size; i++)
		L->cmdline[i] = ((char *)buf)[i];
	L->st->BootServices->FreePool(buf);
	L->cmdline_len = loader_trim(L->cmdline, size);
	L->cmdline_src = BOOT_CMDLINE_FILE;
	return EFI_SUCCESS;
}

static EFI_STATUS loader_read_cmdline(struct loader *L)
{
	size_t len;
	status_t st = fwcfg_read_string("opt/spmk/cmdline", L->cmdline, sizeof L->cmdline, &len);
	if (st == ST_RANGE)
		return loader_error(L, EFI_BAD_BUFFER_SIZE,
				    "fw_cfg opt/spmk/cmdline is %zu bytes, max %u", len,
				    BOOT_CMDLINE_MAX - 1);
	if (st == ST_OK) {
		L->cmdline_len = loader_trim(L->cmdline, len);
		L->cmdline_src = BOOT_CMDLINE_FWCFG;
		return EFI_SUCCESS;
	}
	L->cmdline[0] = '\0';
	return loader_cmdline_file(L);
}

/* GetMemoryMap (UEFI 2.10 §7.2.3) for every call in the loader. With the test knob
 * opt/spmk/test-memmap-poison = V, it behaves like firmware seen in the field: MapKey,
 * DescriptorSize and DescriptorVersion hold V before the call, and on EFI_BUFFER_TOO_SMALL
 * they still hold V afterwards (only MemoryMapSize is written, which is all the spec promises). */
static EFI_STATUS loader_get_memory_map(struct loader *L, UINTN *size, void *buf, UINTN *key,
					UINTN *dsz, UINT32 *dver)
{
	if (L->poison_desc_size) {
		*key = *dsz = (UINTN)L->poison;
		*dver = (UINT32)L->poison;
	}
	EFI_STATUS s = L->st->BootServices->GetMemoryMap(size, buf, key, dsz, dver);
	if (L->poison_desc_size && s == EFI_BUFFER_TOO_SMALL) {
		*key = *dsz = (UINTN)L->poison;
		*dver = (UINT32)L->poison;
	}
	return s;
}

/* Reads the current map into a pool buffer sized from MemoryMapSize alone (memmap_buf.h),
 * retrying with the size each refusal reports; DescriptorSize comes only from the call that
 * succeeded, and is checked. The caller frees *buf. */
static EFI_STATUS loader_read_memmap(struct loader *L, void **buf, UINTN *map_size,
				     UINTN *desc_size)
{
	EFI_BOOT_SERVICES *bs = L->st->BootServices;
	UINTN size = 0, key, dsz;
	UINT32 dver;
	EFI_STATUS s = loader_get_memory_map(L, &size, NULL, &key, &dsz, &dver);
	for (unsigned tries = 0; s == EFI_BUFFER_TOO_SMALL && tries < MEMMAP_BUF_TRIES; tries++) {
		uint64_t cap;
		if (memmap_buf_bytes(size, &cap) != ST_OK)
			return loader_error(L, EFI_DEVICE_ERROR, "GetMemoryMap asks for %llu bytes",
					    (unsigned long long)size);
		s = bs->AllocatePool(EfiLoaderData, cap, buf);
		if (EFI_ERROR(s))
			return loader_error(L, s,
					    "cannot allocate %llu bytes for the memory map "
					    "(0x%llx)",
					    (unsigned long long)cap, (unsigned long long)s);
		size = cap;
		s = loader_get_memory_map(L, &size, *buf, &key, &dsz, &dver);
		if (!EFI_ERROR(s)) {
			const char *why = memmap_buf_validate(size, cap, dsz);
			if (!why) {
				*map_size = size;
				*desc_size = dsz;
				return EFI_SUCCESS;
			}
			bs->FreePool(*buf);
			return loader_error(L, EFI_DEVICE_ERROR,
					    "GetMemoryMap returned %llu bytes, "
					    "DescriptorSize %llu: %s",
					    (unsigned long long)size, (unsigned long long)dsz, why);
		}
		bs->FreePool(*buf);
	}
	return loader_error(L, EFI_ERROR(s) ? s : EFI_DEVICE_ERROR,
			    "cannot read the memory map "
			    "(0x%llx, %llu bytes asked for)",
			    (unsigned long long)s, (unsigned long long)size);
}

/* The CPU's physical address width (CPUID 0x80000008 EAX[7:0]; 36 without that leaf). */
static unsigned loader_maxphyaddr(void)
{
	uint32_t a, b, c, d;
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000000u), "c"(0));
	if (a < 0x80000008u)
		return 36;
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000008u), "c"(0));
	return a & 0xff;
}

/* Measures the current memory map: its size, descriptor size and the highest end of the
 * descriptors that can be memory (an impossible one must not size the direct map). */
static EFI_STATUS loader_scan_memmap(struct loader *L, UINTN *map_size, UINTN *desc_size,
				     uint64_t *highest)
{
	void *buf;
	UINTN size = 0, dsz = 0;
	EFI_STATUS s = loader_read_memmap(L, &buf, &size, &dsz);
	if (EFI_ERROR(s))
		return s;
	*highest = memmap_buf_highest_end(buf, size, dsz, loader_maxphyaddr());
	L->st->BootServices->FreePool(buf);
	*map_size = size;
	*desc_size = dsz;
	return EFI_SUCCESS;
}

/* A pool block for n ranges holding the first `keep` of old (NULL when there is no memory; the
 * caller keeps what it has, and its scan or holding stops at the old size, said in the log). */
static struct range *loader_ranges(struct loader *L, size_t n, const struct range *old, size_t keep)
{
	void *p = NULL;
	if (n > SIZE_MAX / sizeof(struct range) ||
	    EFI_ERROR(
		    L->st->BootServices->AllocatePool(EfiLoaderData, n * sizeof(struct range), &p)))
		return NULL;
	if (keep)
		L->st->BootServices->CopyMem(p, (void *)old, keep * sizeof(struct range));
	return p;
}

/* Room in L->sp for a map of n descriptors (sp_claim.h): both lists sized from the map. */
static void loader_sp_room(struct loader *L, size_t n)
{
	if (n <= L->sp.cap && L->sp.free)
		return;
	struct range *r = loader_ranges(L, 2 * n, NULL, 0);
	if (!r)
		return;
	if (L->sp.free && L->sp.free != L->sp.free0)
		L->st->BootServices->FreePool(L->sp.free);
	sp_claim_storage(&L->sp, r, (unsigned)n);
}

/* Room for n held ranges, keeping those held so far. */
static void loader_held_room(struct loader *L, size_t n)
{
	if (!L->held) {
		L->held = L->held0;
		L->cap_held = LOADER_HELD_MAX;
	}
	if (n <= L->cap_held)
		return;
	struct range *r = loader_ranges(L, n, L->held, L->nheld);
	if (!r)
		return;
	if (L->held != L->held0)
		L->st->BootServices->FreePool(L->held);
	L->held = r;
	L->cap_held = (unsigned)n;
}

/* Before the loader's first allocation: every free SP descriptor is claimed at its address, so
 * neither the loader nor the firmware on its behalf allocates there (sp_claim.h). The map is
 * read again until a pass finds nothing new to claim (the pool buffer of one pass may itself
 * have been SP memory that is free again). A claim the firmware refuses is reported;
 * loader_alloc still keeps the loader's blocks out of SP memory. */
static EFI_STATUS loader_claim_sp(struct loader *L)
{
	unsigned fresh = 1;
	for (unsigned pass = 0; fresh && pass < SP_CLAIM_PASSES; pass++) {
		void *buf;
		UINTN size = 0, dsz = 0;
		EFI_STATUS s = loader_read_memmap(L, &buf, &size, &dsz);
		if (EFI_ERROR(s))
			return s;
		loader_sp_room(L, sp_claim_descs(size, dsz));
		sp_claim_scan(buf, size, dsz, &L->sp);
		L->st->BootServices->FreePool(buf);
		loader_held_room(L, (size_t)L->nheld + L->sp.nfree);
		fresh = 0;
		for (unsigned i = 0; i < L->sp.nfree && L->nheld < L->cap_held; i++) {
			EFI_PHYSICAL_ADDRESS a = L->sp.free[i].base;
			UINTN pages = range_size(L->sp.free[i]) / PAGE_SIZE;
			s = L->st->BootServices->AllocatePages(AllocateAddress, EfiLoaderData,
							       pages, &a);
			if (EFI_ERROR(s)) {
				out_log(L->log, LOG_WARN,
					"cannot hold free SP memory [0x%llx-0x%llx) "
					"while loading (0x%llx)",
					(unsigned long long)L->sp.free[i].base,
					(unsigned long long)L->sp.free[i].end,
					(unsigned long long)s);
				continue;
			}
			L->held[L->nheld++] = (struct range){ a, a + pages * PAGE_SIZE };
			fresh++;
		}
	}
	uint64_t pages = 0;
	for (unsigned i = 0; i < L->nheld; i++)
		pages += range_size(L->held[i]) / PAGE_SIZE;
	for (unsigned i = 0; i < L->sp.nall; i++)
		out_log(L->log, LOG_INFO, "SP memory [0x%llx-0x%llx)",
			(unsigned long long)L->sp.all[i].base,
			(unsigned long long)L->sp.all[i].end);
	if (L->sp.dropped || L->sp.bogus)
		out_log(L->log, LOG_WARN,
			"SP memory: %u descriptors beyond %u not tracked (no pool "
			"memory for more), %u with zero pages or an end past 2^64 skipped",
			L->sp.dropped, L->sp.cap, L->sp.bogus);
	if (L->nheld)
		out_log(L->log, LOG_INFO, "holding %u free SP ranges (%llu pages) while loading",
			L->nheld, (unsigned long long)pages);
	return EFI_SUCCESS;
}

/* Gives back the blocks loader_alloc set aside. The SP ranges loader_claim_sp holds stay held
 * through ExitBootServices (the final map shows them as LoaderData with EFI_MEMORY_SP, which is
 * SP memory to the kernel, as to Linux): firmware may fill pages it frees (OVMF writes 0xAF),
 * and SP memory must reach its first owner as the firmware left it. */
static void loader_release_aside(struct loader *L)
{
	for (unsigned i = 0; i < L->naside; i++)
		L->st->BootServices->FreePages(L->aside[i].base,
					       range_size(L->aside[i]) / PAGE_SIZE);
	L->naside = 0;
}

/* On a loader error: gives everything back. */
static void loader_release_held(struct loader *L)
{
	loader_release_aside(L);
	for (unsigned i = 0; i < L->nheld; i++)
		L->st->BootServices->FreePages(L->held[i].base, range_size(L->held[i]) / PAGE_SIZE);
	L->nheld = 0;
}

/* efi_alloc_pages for the loader's own blocks, never in SP memory: a block that overlaps an SP
 * range is held aside (so the firmware cannot return it again) and the allocation retried. */
static EFI_STATUS loader_alloc(struct loader *L, UINT32 type, UINTN pages, uint64_t *phys,
			       const char *what)
{
	for (unsigned tries = 0; tries < LOADER_ALLOC_TRIES; tries++) {
		uint64_t a;
		EFI_STATUS s = efi_alloc_pages(L->st, type, pages, &a);
		if (EFI_ERROR(s))
			return s;
		const struct range *r = sp_claim_overlap(&L->sp, a, (uint64_t)pages * PAGE_SIZE);
		if (!r) {
			*phys = a;
			return EFI_SUCCESS;
		}
		out_log(L->log, LOG_INFO,
			"%s: [0x%llx-0x%llx) overlaps SP memory [0x%llx-0x%llx); "
			"trying elsewhere",
			what, (unsigned long long)a,
			(unsigned long long)(a + (uint64_t)pages * PAGE_SIZE),
			(unsigned long long)r->base, (unsigned long long)r->end);
		if (L->naside == sizeof L->aside / sizeof L->aside[0]) {
			L->st->BootServices->FreePages(a, pages);
			break;
		}
		L->aside[L->naside++] = (struct range){ a, a + (uint64_t)pages * PAGE_SIZE };
	}
	return loader_error(L, EFI_OUT_OF_RESOURCES, "%s: no %llu pages outside SP memory", what,
			    (unsigned long long)pages);
}

/* module_alloc_fn for loader_modules_load. */
static EFI_STATUS loader_alloc_module(void *ctx, UINTN pages, uint64_t *phys, const char *what)
{
	return loader_alloc(ctx, SPMK_MEM_MODULE, pages, phys, what);
}

static void loader_copy_segments(struct loader *L, const uint8_t *file)
{
	uint8_t *dst = (uint8_t *)(uintptr_t)L->kphys;
	L->st->BootServices->SetMem(dst, L->kpages * PAGE_SIZE, 0);
	for (unsigned i = 0; i < L->elf.nseg; i++) {
		const struct elf_segment *sg = &L->elf.seg[i];
		L->st->BootServices->CopyMem(dst + (sg->vaddr - L->elf.vmin),
					     (void *)(file + sg->offset), sg->filesz);
	}
}

static EFI_STATUS loader_load_kernel(struct loader *L)
{
	void *file;
	UINTN size;
	EFI_STATUS s = efi_read_file(L->st, L->root, L"\\spmk\\kernel.elf", &file, &size);
	if (s == EFI_NOT_FOUND)
		return loader_error(L, s, "kernel \\spmk\\kernel.elf not found on the boot volume");
	if (EFI_ERROR(s))
		return loader_error(L, s, "cannot read \\spmk\\kernel.elf (EFI status 0x%llx)",
				    (unsigned long long)s);
	if (elf_validate(file, size, &L->elf, L->log) != ST_OK) {
		L->st->BootServices->FreePool(file);
		return loader_error(L, EFI_LOAD_ERROR,
				    "\\spmk\\kernel.elf (%llu bytes) is not a "
				    "valid kernel image",
				    (unsigned long long)size);
	}
	L->kpages = (L->elf.vmax - L->elf.vmin) / PAGE_SIZE;
	s = loader_alloc(L, SPMK_MEM_KERNEL, L->kpages, &L->kphys, "kernel image");
	if (EFI_ERROR(s)) {
		L->kpages = 0;
		L->st->BootServices->FreePool(file);
		return loader_error(L, s, "cannot allocate %llu pages for the kernel image",
				    (unsigned long long)(L->elf.vmax - L->elf.vmin) / PAGE_SIZE);
	}
	loader_copy_segments(L, file);
	L->st->BootServices->FreePool(file);
	out_log(L->log, LOG_INFO,
		"kernel: %llu bytes file, %u segments, phys 0x%llx, "
		"virt [0x%llx, 0x%llx), entry 0x%llx",
		(unsigned long long)size, L->elf.nseg, (unsigned long long)L->kphys,
		(unsigned long long)L->elf.vmin, (unsigned long long)L->elf.vmax,
		(unsigned long long)L->elf.entry);
	return EFI_SUCCESS;
}

static void loader_find_rsdp(struct loader *L)
{
	EFI_GUID acpi20 = ACPI_20_TABLE_GUID, acpi10 = ACPI_TABLE_GUID;
	void *t = efi_find_config_table(L->st, &acpi20);
	L->rsdp_src = 2;
	if (!t) {
		t = efi_find_config_table(L->st, &acpi10);
		L->rsdp_src = 1;
	}
	if (!t)
		L->rsdp_src = 0;
	L->rsdp = (uint64_t)(uintptr_t)t;
	if (t)
		out_log(L->log, LOG_INFO, "RSDP at 0x%llx (ACPI %s table GUID)",
			(unsigned long long)L->rsdp, L->rsdp_src == 2 ? "2.0" : "1.0");
	else
		out_log(L->log, LOG_WARN, "no ACPI RSDP in the configuration table");
}

/* CPUID 0x80000001 EDX bit 26 (pdpe1gb): the CPU maps 1 GiB pages. */
static bool loader_has_1g_pages(void)
{
	uint32_t a, b, c, d;
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000000u), "c"(0));
	if (a < 0x80000001u)
		return false;
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000001u), "c"(0));
	return (d >> 26) & 1;
}

static EFI_STATUS loader_build_pagetables(struct loader *L, uint64_t highest)
{
	uint64_t want = highest > 4 * GiB ? highest : 4 * GiB;
	if (want > PAGING_DM_MAX) {
		out_log(L->log, LOG_WARN, "memory map reaches 0x%llx; direct map limited to 0x%llx",
			(unsigned long long)want, (unsigned long long)PAGING_DM_MAX);
		want = PAGING_DM_MAX;
	}
	L->dm_size = ALIGN_UP(want, SIZE_1G);
	struct paging_plan plan = { L->dm_size, L->elf.vmin, L->kphys, L->elf.vmax - L->elf.vmin,
				    loader_has_1g_pages() };
	UINTN pages = paging_pages_needed(&plan);
	EFI_STATUS s = loader_alloc(L, SPMK_MEM_PAGETABLE, pages, &L->pt_phys, "page tables");
	if (EFI_ERROR(s))
		return loader_error(L, s, "cannot allocate %llu pages for page tables",
				    (unsigned long long)pages);
	L->pt_pages = pages;
	status_t st = paging_build(&plan, L->pt_phys, pages, &L->pml4);
	if (st != ST_OK)
		return loader_error(L, EFI_LOAD_ERROR, "page table build failed: %s",
				    status_str(st));
	out_log(L->log, LOG_INFO,
		"page tables: %llu pages at 0x%llx, identity + direct map of "
		"[0, 0x%llx) with %s pages",
		(unsigned long long)pages, (unsigned long long)L->pt_phys,
		(unsigned long long)L->dm_size, plan.page_1g ? "1 GiB" : "2 MiB");
	return EFI_SUCCESS;
}

static EFI_STATUS loader_alloc_bootinfo(struct loader *L, UINTN map_size, UINTN desc_size)
{
	uint64_t info_bytes = ALIGN_UP(sizeof(struct boot_info), PAGE_SIZE);
	uint64_t cap =
		ALIGN_UP(map_size + (MEMMAP_SLACK_DESCS + L->append.total) * desc_size, PAGE_SIZE);
	/* the kernel's scratch: enough for the most descriptors the buffer can hold (40 bytes each,
	 * whatever DescriptorSize the final map has) */
	uint64_t scratch = ALIGN_UP(
		cap / MEMMAP_BUF_DESC_MIN * BOOT_SCRATCH_PER_DESC + BOOT_SCRATCH_FIXED, PAGE_SIZE);
	uint64_t phys;
	UINTN pages = (info_bytes + cap + scratch) / PAGE_SIZE;
	EFI_STATUS s = loader_alloc(L, SPMK_MEM_BOOTINFO, pages, &phys, "boot_info");
	if (EFI_ERROR(s))
		return loader_error(L, s,
				    "cannot allocate %llu pages for boot_info, the memory map "
				    "and the kernel's scratch",
				    (unsigned long long)pages);
	L->scratch_phys = phys + info_bytes + cap;
	L->scratch_size = scratch;
	L->bi_pages = pages;
	L->bi = (struct boot_info *)(uintptr_t)phys;
	L->memmap = (uint8_t *)(uintptr_t)(phys + info_bytes);
	L->memmap_cap = cap;
	L->st->BootServices->SetMem(L->bi, pages * PAGE_SIZE, 0);
	return EFI_SUCCESS;
}

/* Everything but the memory map fields and tsc_exit_boot, which exist only after exit. */
static void loader_fill_bootinfo(struct loader *L)
{
	struct boot_info *bi = L->bi;
	bi->magic = BOOT_INFO_MAGIC;
	bi->version = BOOT_INFO_VERSION;
	bi->size = sizeof *bi;
	bi->memmap_phys = (uint64_t)(uintptr_t)L->memmap;
	bi->memmap_capacity = L->memmap_cap;
	bi->scratch_phys = L->scratch_phys;
	bi->scratch_size = L->scratch_size;
	bi->rsdp_phys = L->rsdp;
	bi->rsdp_source = L->rsdp_src;
	bi->cmdline_source = L->cmdline_src;
	bi->cmdline_len = (uint32_t)L->cmdline_len;
	bi->kernel_phys = L->kphys;
	bi->kernel_virt = L->elf.vmin;
	bi->kernel_size = L->elf.vmax - L->elf.vmin;
	bi->kernel_entry = L->elf.entry;
	bi->pagetable_phys = L->pml4;
	bi->direct_map_size = L->dm_size;
	bi->tsc_loader_start = L->tsc_start;
	bi->boot_info_phys = (uint64_t)(uintptr_t)bi;
	for (size_t i = 0; i <= L->cmdline_len; i++)
		bi->cmdline[i] = L->cmdline[i];
	bi->module_count = L->modules.count;
	bi->modules_skipped = L->modules.skipped;
	for (uint32_t i = 0; i < L->modules.count; i++)
		bi->modules[i] = L->modules.mod[i];
}

/* How many stale map keys to provoke before ExitBootServices may succeed (0 normally). Tests
 * set fw_cfg opt/spmk/test-stale-map-key to exercise the retry path; at most EXIT_ATTEMPTS-1. */
static unsigned loader_stale_keys_wanted(void)
{
	char text[8];
	size_t len;
	uint64_t n;
	if (fwcfg_read_string("opt/spmk/test-stale-map-key", text, sizeof text, &len) != ST_OK ||
	    parse_u64(text, &n) != ST_OK)
		return 0;
	return n < EXIT_ATTEMPTS ? (unsigned)n : EXIT_ATTEMPTS - 1;
}

/* Reads fw_cfg opt/spmk/test-memmap-append (see memmap_append.h) into L->append; an absent
 * file appends nothing, a bad one is a loader error naming its line. */
static EFI_STATUS loader_read_memmap_append(struct loader *L)
{
	static char text[MEMMAP_APPEND_TEXT_MAX];
	size_t len;
	status_t st = fwcfg_read_string("opt/spmk/test-memmap-append", text, sizeof text, &len);
	if (st == ST_NOTFOUND)
		return EFI_SUCCESS;
	if (st == ST_RANGE)
		return loader_error(L, EFI_BAD_BUFFER_SIZE,
				    "fw_cfg opt/spmk/test-memmap-append is "
				    "%zu bytes, max %u",
				    len, MEMMAP_APPEND_TEXT_MAX - 1);
	if (st != ST_OK || memmap_append_parse(text, len, &L->append, L->log) != ST_OK)
		return loader_error(L, EFI_INVALID_PARAMETER,
				    "fw_cfg opt/spmk/test-memmap-append "
				    "rejected");
	if (L->append.total)
		out_log(L->log, LOG_INFO,
			"test knob: %u descriptors will be appended to the final "
			"memory map",
			L->append.total);
	return EFI_SUCCESS;
}

/* After ExitBootServices: appends the test descriptors behind the final map (the buffer was
 * sized for them). */
static EFI_STATUS loader_append_test_descs(struct loader *L)
{
	struct boot_info *bi = L->bi;
	size_t written;
	status_t st = memmap_append_write(&L->append, L->memmap + bi->memmap_size,
					  L->memmap_cap - bi->memmap_size, bi->desc_size, &written);
	if (st != ST_OK)
		return loader_error(L, EFI_BUFFER_TOO_SMALL,
				    "no room for %u test descriptors of %u "
				    "bytes behind a %llu-byte map in a %llu-byte buffer",
				    L->append.total, bi->desc_size,
				    (unsigned long long)bi->memmap_size,
				    (unsigned long long)L->memmap_cap);
	bi->memmap_size += written;
	if (written) {
		char line[96];
		fmt_snprintf(line, sizeof line,
			     LOADER_PREFIX ": test knob: appended %u descriptors\n",
			     L->append.total);
		com1_write(line);
	}
	return EFI_SUCCESS;
}

/* Test knob opt/spmk/test-memmap-poison = V: loader_get_memory_map acts like firmware that
 * leaves DescriptorSize unwritten on EFI_BUFFER_TOO_SMALL. */
static void loader_read_poison_knob(struct loader *L)
{
	char text[24];
	size_t len;
	if (fwcfg_read_string("opt/spmk/test-memmap-poison", text, sizeof text, &len) != ST_OK)
		return;
	if (parse_u64(text, &L->poison) != ST_OK) {
		out_log(L->log, LOG_WARN,
			"fw_cfg opt/spmk/test-memmap-poison '%s' is not a number; "
			"ignored",
			text);
		return;
	}
	L->poison_desc_size = true;
	out_log(L->log, LOG_INFO,
		"test knob: GetMemoryMap leaves DescriptorSize = 0x%llx on "
		"EFI_BUFFER_TOO_SMALL",
		(unsigned long long)L->poison);
}

static EFI_STATUS loader_exit_boot_services(struct loader *L)
{
	EFI_BOOT_SERVICES *bs = L->st->BootServices;
	for (unsigned attempt = 0; attempt < EXIT_ATTEMPTS; attempt++) {
		UINTN size = L->memmap_cap, key = 0, dsz = 0;
		UINT32 dver = 0;
		EFI_STATUS s = loader_get_memory_map(L, &size, L->memmap, &key, &dsz, &dver);
		if (EFI_ERROR(s))
			return loader_error(L, s,
					    "final GetMemoryMap failed (0x%llx, need %llu bytes, "
					    "have %llu)",
					    (unsigned long long)s, (unsigned long long)size,
					    (unsigned long long)L->memmap_cap);
		const char *why = memmap_buf_validate(size, L->memmap_cap, dsz);
		if (why)
			return loader_error(L, EFI_DEVICE_ERROR,
					    "final GetMemoryMap returned %llu "
					    "bytes, DescriptorSize %llu: %s",
					    (unsigned long long)size, (unsigned long long)dsz, why);
		if (attempt < L->stale_keys_wanted) {
			/* An allocation changes the map, so the key just read is stale: this is what
			 * a firmware event between the two calls does, made to happen on purpose. */
			EFI_PHYSICAL_ADDRESS page;
			bs->AllocatePages(AllocateAnyPages, EfiLoaderData, 1, &page);
		}
		L->exit_attempted = true;
		s = bs->ExitBootServices(L->image, key);
		if (!EFI_ERROR(s)) {
			L->bi->tsc_exit_boot = efi_rdtsc();
			L->bi->memmap_size = size;
			L->bi->desc_size = (uint32_t)dsz;
			L->bi->desc_version = dver;
			L->bi->exit_retries = L->exit_retries;
			return EFI_SUCCESS;
		}
		if (s != EFI_INVALID_PARAMETER)
			return loader_error(L, s, "ExitBootServices failed (0x%llx)",
					    (unsigned long long)s);
		L->exit_retries++;
	}
	return loader_error(L, EFI_ABORTED, "ExitBootServices: map key stale %u times in a row",
			    EXIT_ATTEMPTS);
}

static void loader_report_final_map(const struct boot_info *bi)
{
	uint64_t n = bi->memmap_size / bi->desc_size, pages = 0;
	bool overflow = false;
	for (uint64_t i = 0; i < n; i++) {
		const EFI_MEMORY_DESCRIPTOR *d =
			(const void *)(uintptr_t)(bi->memmap_phys + i * bi->desc_size);
		overflow |= __builtin_add_overflow(pages, d->NumberOfPages, &pages);
	}
	char line[128], count[32];
	fmt_snprintf(count, sizeof count, "%llu", (unsigned long long)pages);
	fmt_snprintf(line, sizeof line,
		     LOADER_PREFIX ": final memory map: %llu descriptors, "
				   "%s pages, desc_size %u\n",
		     (unsigned long long)n, overflow ? "more than 2^64" : count, bi->desc_size);
	com1_write(line);
}

static __attribute__((noreturn)) void loader_enter_kernel(uint64_t cr3, uint64_t entry,
							  uint64_t arg)
{
	__asm__ volatile("cli\n\t"
			 "cld\n\t"
			 "mov %0, %%cr3\n\t"
			 "jmp *%1"
			 :
			 : "r"(cr3), "r"(entry), "D"(arg)
			 : "memory");
	__builtin_unreachable();
}

static void loader_free(struct loader *L)
{
	EFI_BOOT_SERVICES *bs = L->st->BootServices;
	loader_release_held(L);
	loader_modules_free(L->st, &L->modules);
	if (L->bi_pages)
		bs->FreePages((EFI_PHYSICAL_ADDRESS)(uintptr_t)L->bi, L->bi_pages);
	if (L->pt_pages)
		bs->FreePages(L->pt_phys, L->pt_pages);
	if (L->kpages)
		bs->FreePages(L->kphys, L->kpages);
	if (L->root)
		L->root->Close(L->root);
}

static EFI_STATUS loader_prepare(struct loader *L)
{
	EFI_STATUS s = loader_claim_sp(L);
	if (EFI_ERROR(s))
		return s;
	s = efi_open_image_volume(L->st, L->image, &L->root);
	if (EFI_ERROR(s)) {
		L->root = NULL;
		return loader_error(L, s, "cannot open the boot volume (0x%llx)",
				    (unsigned long long)s);
	}
	s = loader_read_cmdline(L);
	if (EFI_ERROR(s))
		return s;
	static const char *const src[] = { "none (empty)", "fw_cfg opt/spmk/cmdline",
					   "\\spmk\\cmdline.txt" };
	out_log(L->log, LOG_INFO, "cmdline from %s (%zu bytes): \"%s\"", src[L->cmdline_src],
		L->cmdline_len, L->cmdline);
	s = loader_load_kernel(L);
	if (EFI_ERROR(s))
		return s;
	s = loader_modules_load(L->st, L->root, &L->modules, loader_alloc_module, L, L->log);
	if (EFI_ERROR(s))
		return loader_error(L, s, "cannot read \\spmk\\apps (EFI status 0x%llx)",
				    (unsigned long long)s);
	loader_find_rsdp(L);
	UINTN map_size = 0, desc_size = 0;
	uint64_t highest = 0;
	s = loader_scan_memmap(L, &map_size, &desc_size, &highest);
	if (EFI_ERROR(s))
		return s;
	s = loader_build_pagetables(L, highest);
	if (EFI_ERROR(s))
		return s;
	s = loader_alloc_bootinfo(L, map_size, desc_size);
	if (EFI_ERROR(s))
		return s;
	loader_release_aside(L);
	loader_fill_bootinfo(L);
	out_log(L->log, LOG_INFO,
		"boot_info at 0x%llx, memory map buffer %llu bytes; "
		"exiting boot services",
		(unsigned long long)(uintptr_t)L->bi, (unsigned long long)L->memmap_cap);
	return EFI_SUCCESS;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	struct loader ldr = { 0 };
	ldr.tsc_start = efi_rdtsc();
	ldr.image = image;
	ldr.st = st;
	efi_con_init(&ldr.con, st, LOADER_PREFIX);
	ldr.log = &ldr.con.out;
	out_log(ldr.log, LOG_INFO, "starting (fw_cfg %s)", fwcfg_present() ? "present" : "absent");

	ldr.stale_keys_wanted = loader_stale_keys_wanted();
	loader_read_poison_knob(&ldr);
	EFI_STATUS s = loader_read_memmap_append(&ldr);
	if (!EFI_ERROR(s))
		s = loader_prepare(&ldr);
	if (!EFI_ERROR(s))
		s = loader_exit_boot_services(&ldr);
	if (!EFI_ERROR(s))
		s = loader_append_test_descs(&ldr);
	if (EFI_ERROR(s)) {
		if (!ldr.exit_attempted)
			loader_free(&ldr);
		efi_poweroff_if_requested(st, s);
		return s;
	}
	loader_report_final_map(ldr.bi);
	loader_enter_kernel(ldr.pml4, ldr.elf.entry, DIRECT_MAP_BASE + (uint64_t)(uintptr_t)ldr.bi);
}
