/* SPDX-License-Identifier: BSD-2-Clause */
/* efi_util.c - console sink, allocation, file and configuration-table helpers for the UEFI
 * stages (see efi_util.h). */
#include "boot/efi_util.h"

#include "arch/x86_64/portio.h"
#include "boot/fwcfg.h"

#define COM1 0x3f8
#define COM1_LSR (COM1 + 5)
#define LSR_THR_EMPTY 0x20
#define COM1_SPIN_MAX 1000000

static void efi_con_put(struct efi_con *c, const char *s, size_t n)
{
	CHAR16 buf[130];
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			buf[k++] = L'\r';
		buf[k++] = (CHAR16)(unsigned char)s[i];
		if (k >= 128 || i + 1 == n) {
			buf[k] = 0;
			c->st->ConOut->OutputString(c->st->ConOut, buf);
			k = 0;
		}
	}
}

static void efi_con_write(void *ctx, int level, const char *s, size_t n)
{
	struct efi_con *c = ctx;
	if (level == LOG_PLAIN) {
		efi_con_put(c, s, n);
		return;
	}
	const char *tag = level <= LOG_ERR ? ": error: " : level == LOG_WARN ? ": warning: " : ": ";
	efi_con_put(c, c->prefix, strlena((const CHAR8 *)c->prefix));
	efi_con_put(c, tag, strlena((const CHAR8 *)tag));
	efi_con_put(c, s, n);
	efi_con_put(c, "\n", 1);
}

void efi_con_init(struct efi_con *c, EFI_SYSTEM_TABLE *st, const char *prefix)
{
	c->st = st;
	c->prefix = prefix;
	c->out = (struct out){ efi_con_write, c };
}

EFI_STATUS efi_alloc_pages(EFI_SYSTEM_TABLE *st, UINT32 type, UINTN pages, uint64_t *phys)
{
	EFI_PHYSICAL_ADDRESS a = 0xffffffffull;
	EFI_STATUS s = st->BootServices->AllocatePages(AllocateMaxAddress, (EFI_MEMORY_TYPE)type,
						       pages, &a);
	if (EFI_ERROR(s)) {
		a = 0;
		s = st->BootServices->AllocatePages(AllocateAnyPages, (EFI_MEMORY_TYPE)type, pages,
						    &a);
	}
	if (!EFI_ERROR(s))
		*phys = a;
	return s;
}

EFI_STATUS efi_open_volume(EFI_SYSTEM_TABLE *st, EFI_HANDLE dev, EFI_FILE_HANDLE *root)
{
	EFI_GUID fs_guid = SIMPLE_FILE_SYSTEM_PROTOCOL;
	EFI_FILE_IO_INTERFACE *fs;
	EFI_STATUS s = st->BootServices->HandleProtocol(dev, &fs_guid, (void **)&fs);
	if (EFI_ERROR(s))
		return s;
	return fs->OpenVolume(fs, root);
}

EFI_STATUS efi_open_image_volume(EFI_SYSTEM_TABLE *st, EFI_HANDLE image, EFI_FILE_HANDLE *root)
{
	EFI_GUID li_guid = LOADED_IMAGE_PROTOCOL;
	EFI_LOADED_IMAGE *li;
	EFI_STATUS s = st->BootServices->HandleProtocol(image, &li_guid, (void **)&li);
	if (EFI_ERROR(s))
		return s;
	return efi_open_volume(st, li->DeviceHandle, root);
}

static EFI_STATUS efi_file_size(EFI_SYSTEM_TABLE *st, EFI_FILE_HANDLE f, UINTN *size)
{
	EFI_GUID info_guid = EFI_FILE_INFO_ID;
	UINTN n = 0;
	EFI_FILE_INFO *info = NULL;
	EFI_STATUS s = f->GetInfo(f, &info_guid, &n, NULL);
	if (s != EFI_BUFFER_TOO_SMALL)
		return EFI_ERROR(s) ? s : EFI_DEVICE_ERROR;
	s = st->BootServices->AllocatePool(EfiLoaderData, n, (void **)&info);
	if (EFI_ERROR(s))
		return s;
	s = f->GetInfo(f, &info_guid, &n, info);
	if (!EFI_ERROR(s))
		*size = info->FileSize;
	st->BootServices->FreePool(info);
	return s;
}

EFI_STATUS efi_read_file(EFI_SYSTEM_TABLE *st, EFI_FILE_HANDLE root, CHAR16 *path, void **buf,
			 UINTN *size)
{
	EFI_FILE_HANDLE f;
	EFI_STATUS s = root->Open(root, &f, path, EFI_FILE_MODE_READ, 0);
	if (EFI_ERROR(s))
		return s;
	UINTN n = 0;
	void *p = NULL;
	s = efi_file_size(st, f, &n);
	if (!EFI_ERROR(s))
		s = st->BootServices->AllocatePool(EfiLoaderData, n ? n : 1, &p);
	if (!EFI_ERROR(s)) {
		UINTN got = n;
		s = f->Read(f, &got, p);
		if (!EFI_ERROR(s) && got != n)
			s = EFI_END_OF_FILE;
		if (EFI_ERROR(s))
			st->BootServices->FreePool(p);
	}
	f->Close(f);
	if (!EFI_ERROR(s)) {
		*buf = p;
		*size = n;
	}
	return s;
}

bool efi_guid_eq(const EFI_GUID *a, const EFI_GUID *b)
{
	const uint8_t *x = (const uint8_t *)a, *y = (const uint8_t *)b;
	for (size_t i = 0; i < sizeof(EFI_GUID); i++)
		if (x[i] != y[i])
			return false;
	return true;
}

void *efi_find_config_table(EFI_SYSTEM_TABLE *st, const EFI_GUID *guid)
{
	for (UINTN i = 0; i < st->NumberOfTableEntries; i++)
		if (efi_guid_eq(&st->ConfigurationTable[i].VendorGuid, guid))
			return st->ConfigurationTable[i].VendorTable;
	return NULL;
}

void efi_poweroff_if_requested(EFI_SYSTEM_TABLE *st, EFI_STATUS status)
{
	struct fwcfg_file f;
	if (fwcfg_find("opt/spmk/poweroff-on-error", &f) != ST_OK)
		return;
	st->RuntimeServices->ResetSystem(EfiResetShutdown, status, 0, NULL);
}

static void com1_putc(char ch)
{
	for (int i = 0; i < COM1_SPIN_MAX; i++)
		if (inb(COM1_LSR) & LSR_THR_EMPTY)
			break;
	outb(COM1, (uint8_t)ch);
}

void com1_write(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			com1_putc('\r');
		com1_putc(*s);
	}
}
