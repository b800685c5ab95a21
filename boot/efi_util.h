/* SPDX-License-Identifier: BSD-2-Clause */
/* efi_util.h - small helpers shared by the UEFI loader and the SP firmware stage.
 *
 * struct efi_con is a console sink for struct out: text goes to ConOut (which OVMF mirrors to
 * the serial port) as UCS-2, with "\n" turned into "\r\n". out_log() lines get the stage
 * prefix: "<prefix>: error: ..." for LOG_ERR, "<prefix>: warning: ..." for LOG_WARN and
 * "<prefix>: ..." otherwise. The caller owns the struct; nothing here is global.
 * Only for use while boot services are up, except com1_write() and efi_rdtsc(). */
#ifndef SPMK_BOOT_EFI_UTIL_H
#define SPMK_BOOT_EFI_UTIL_H

#include <efi.h>
#include <efilib.h>

#include <stdbool.h>
#include <stdint.h>

#include "lib/out.h"

struct efi_con {
	EFI_SYSTEM_TABLE *st;
	const char *prefix; /* "spmk-loader", "spfw" */
	struct out out;     /* write callback bound to this console */
};

void efi_con_init(struct efi_con *c, EFI_SYSTEM_TABLE *st, const char *prefix);

/* Allocates pages of a memory type, below 4 GiB when possible (so the loader's own blocks stay
 * away from memory above 4 GiB, where SP ranges are marked), else anywhere. */
EFI_STATUS efi_alloc_pages(EFI_SYSTEM_TABLE *st, UINT32 type, UINTN pages, uint64_t *phys);

/* Opens the root directory of the volume the image was loaded from. */
EFI_STATUS efi_open_image_volume(EFI_SYSTEM_TABLE *st, EFI_HANDLE image, EFI_FILE_HANDLE *root);
/* Opens the root directory of the volume on device handle dev. */
EFI_STATUS efi_open_volume(EFI_SYSTEM_TABLE *st, EFI_HANDLE dev, EFI_FILE_HANDLE *root);
/* Reads a whole file into pool memory (EfiLoaderData); *buf must be freed with FreePool.
 * EFI_NOT_FOUND when the file does not exist. */
EFI_STATUS efi_read_file(EFI_SYSTEM_TABLE *st, EFI_FILE_HANDLE root, CHAR16 *path, void **buf,
			 UINTN *size);
/* The configuration table entry for guid, or NULL. */
void *efi_find_config_table(EFI_SYSTEM_TABLE *st, const EFI_GUID *guid);
bool efi_guid_eq(const EFI_GUID *a, const EFI_GUID *b);

/* When fw_cfg holds opt/spmk/poweroff-on-error, shuts the machine down through
 * RuntimeServices (so QEMU exits); otherwise returns. Safe after ExitBootServices. */
void efi_poweroff_if_requested(EFI_SYSTEM_TABLE *st, EFI_STATUS status);

/* Writes a NUL-terminated string to COM1 by polling (no boot services needed); "\n" becomes
 * "\r\n". Gives up on a character after a bounded wait, so it never hangs. */
void com1_write(const char *s);

static inline uint64_t efi_rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* The image entry point the firmware calls (UEFI 2.10 §4.1); the loader and the SP firmware
 * stage each define one. */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);

#endif
