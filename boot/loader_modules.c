/* SPDX-License-Identifier: BSD-2-Clause */
/* loader_modules.c - reads \spmk\apps\*.elf into boot-module blocks (see loader_modules.h). */
#include "boot/loader_modules.h"

#include "boot/efi_util.h"
#include "lib/types.h"

/* The ASCII module name of a directory entry "NAME.elf" (any case), or false. */
static bool module_name(const CHAR16 *file, char name[BOOT_MODULE_NAME])
{
	UINTN n = 0;
	while (file[n])
		n++;
	if (n <= 4 || n - 4 >= BOOT_MODULE_NAME)
		return false;
	const CHAR16 *ext = file + n - 4;
	if (ext[0] != '.' || (ext[1] | 0x20) != 'e' || (ext[2] | 0x20) != 'l' ||
	    (ext[3] | 0x20) != 'f')
		return false;
	for (UINTN i = 0; i < n - 4; i++) {
		CHAR16 c = file[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '_' || c == '-';
		if (!ok)
			return false;
		name[i] = (char)(c >= 'A' && c <= 'Z' ? c + 0x20 : c);
	}
	name[n - 4] = '\0';
	return true;
}

static void module_skip(struct loader_modules *m, struct out *log, const char *name,
			const char *why)
{
	m->skipped++;
	out_log(log, LOG_WARN, "app module %s skipped: %s", name, why);
}

/* Reads one file of the directory into a module block. */
static void module_load_one(EFI_SYSTEM_TABLE *st, EFI_FILE_HANDLE dir, const EFI_FILE_INFO *info,
			    struct loader_modules *m, module_alloc_fn alloc, void *ctx,
			    struct out *log)
{
	char name[BOOT_MODULE_NAME];
	if (!module_name(info->FileName, name)) {
		m->skipped++;
		out_log(log, LOG_WARN,
			"\\spmk\\apps: a file whose name is not NAME.elf (NAME of "
			"at most %u letters, digits, _ or -) skipped",
			BOOT_MODULE_NAME - 5);
		return;
	}
	if (m->count == BOOT_MODULES_MAX)
		return module_skip(m, log, name, "more than 32 modules");
	if (info->FileSize == 0 || info->FileSize > MODULE_MAX_BYTES)
		return module_skip(m, log, name, "empty or larger than 64 MiB");
	void *buf;
	UINTN size;
	CHAR16 path[BOOT_MODULE_NAME + 8];
	UINTN i = 0;
	for (; info->FileName[i]; i++)
		path[i] = info->FileName[i];
	path[i] = 0;
	if (EFI_ERROR(efi_read_file(st, dir, path, &buf, &size)))
		return module_skip(m, log, name, "cannot be read");
	uint64_t phys;
	UINTN pages = ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE;
	if (EFI_ERROR(alloc(ctx, pages, &phys, "app module"))) {
		st->BootServices->FreePool(buf);
		return module_skip(m, log, name, "no memory");
	}
	st->BootServices->SetMem((void *)(uintptr_t)phys, pages * PAGE_SIZE, 0);
	st->BootServices->CopyMem((void *)(uintptr_t)phys, buf, size);
	st->BootServices->FreePool(buf);
	struct boot_module *bm = &m->mod[m->count++];
	for (i = 0; i < BOOT_MODULE_NAME; i++)
		bm->name[i] = name[i];
	bm->phys = phys;
	bm->size = size;
	out_log(log, LOG_INFO, "app module %s: %llu bytes at 0x%llx", name,
		(unsigned long long)size, (unsigned long long)phys);
}

EFI_STATUS loader_modules_load(EFI_SYSTEM_TABLE *st, EFI_FILE_HANDLE root, struct loader_modules *m,
			       module_alloc_fn alloc, void *ctx, struct out *log)
{
	EFI_FILE_HANDLE dir;
	EFI_STATUS s = root->Open(root, &dir, L"\\spmk\\apps", EFI_FILE_MODE_READ, 0);
	if (s == EFI_NOT_FOUND)
		return EFI_SUCCESS;
	if (EFI_ERROR(s))
		return s;
	static uint64_t entry[(sizeof(EFI_FILE_INFO) + 512) / 8];
	for (;;) {
		UINTN n = sizeof entry;
		s = dir->Read(dir, &n, entry);
		if (EFI_ERROR(s) || n == 0)
			break;
		const EFI_FILE_INFO *info = (const EFI_FILE_INFO *)entry;
		if (info->Attribute & EFI_FILE_DIRECTORY)
			continue;
		module_load_one(st, dir, info, m, alloc, ctx, log);
	}
	dir->Close(dir);
	return s == EFI_BUFFER_TOO_SMALL ? EFI_SUCCESS : s;
}

void loader_modules_free(EFI_SYSTEM_TABLE *st, struct loader_modules *m)
{
	for (uint32_t i = 0; i < m->count; i++)
		st->BootServices->FreePages(m->mod[i].phys,
					    ALIGN_UP(m->mod[i].size, PAGE_SIZE) / PAGE_SIZE);
	m->count = 0;
}
