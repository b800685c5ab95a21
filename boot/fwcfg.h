/* SPDX-License-Identifier: BSD-2-Clause */
/* fwcfg.h - QEMU fw_cfg access by port I/O (selector port 0x510, 16-bit; data port 0x511).
 *
 * The interface is stateless: every call selects what it reads. Names are fw_cfg file names
 * such as "opt/spmk/cmdline". Usable before and after ExitBootServices (plain port I/O), but
 * not reentrant (one selector register for the whole machine). */
#ifndef SPMK_BOOT_FWCFG_H
#define SPMK_BOOT_FWCFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/status.h"

struct fwcfg_file {
	uint32_t size;   /* bytes in the file */
	uint16_t select; /* selector key that reads it */
};

/* True when the signature item reads "QEMU". */
bool fwcfg_present(void);
/* Looks name up in the file directory. ST_NOTFOUND when absent or fw_cfg is missing. */
status_t fwcfg_find(const char *name, struct fwcfg_file *out);
/* Reads the first MIN(len, f->size) bytes of the file into buf; returns that count. */
size_t fwcfg_read(const struct fwcfg_file *f, void *buf, size_t len);
/* Reads a whole file as a NUL-terminated string into buf[0..cap): ST_NOTFOUND when absent,
 * ST_RANGE when size >= cap (*len then holds the size). */
status_t fwcfg_read_string(const char *name, char *buf, size_t cap, size_t *len);

#endif
