/* SPDX-License-Identifier: BSD-2-Clause */
/* fwcfg.c - QEMU fw_cfg port I/O access (see fwcfg.h).
 *
 * Directory (selector 0x19): big-endian u32 count, then count 64-byte entries of big-endian
 * u32 size, big-endian u16 select, u16 reserved, char name[56] (NUL-terminated). */
#include "boot/fwcfg.h"

#include "arch/x86_64/portio.h"

#define FWCFG_PORT_SEL 0x510
#define FWCFG_PORT_DATA 0x511
#define FWCFG_SIGNATURE 0x0000
#define FWCFG_FILE_DIR 0x0019
#define FWCFG_NAME_MAX 56
#define FWCFG_DIR_MAX 4096 /* sanity bound on the entry count */

static void fwcfg_select(uint16_t key) { outw(FWCFG_PORT_SEL, key); }

static void fwcfg_bytes(void *buf, size_t n)
{
	uint8_t *p = buf;
	for (size_t i = 0; i < n; i++)
		p[i] = inb(FWCFG_PORT_DATA);
}

static uint32_t fwcfg_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

bool fwcfg_present(void)
{
	uint8_t sig[4];
	fwcfg_select(FWCFG_SIGNATURE);
	fwcfg_bytes(sig, sizeof sig);
	return sig[0] == 'Q' && sig[1] == 'E' && sig[2] == 'M' && sig[3] == 'U';
}

static bool fwcfg_name_eq(const char *entry, const char *name)
{
	size_t i = 0;
	for (; i < FWCFG_NAME_MAX && name[i]; i++)
		if (entry[i] != name[i])
			return false;
	return i < FWCFG_NAME_MAX && entry[i] == '\0' && name[i] == '\0';
}

status_t fwcfg_find(const char *name, struct fwcfg_file *out)
{
	uint8_t hdr[4];
	if (!fwcfg_present())
		return ST_NOTFOUND;
	fwcfg_select(FWCFG_FILE_DIR);
	fwcfg_bytes(hdr, sizeof hdr);
	uint32_t count = fwcfg_be32(hdr);
	if (count > FWCFG_DIR_MAX)
		count = FWCFG_DIR_MAX;
	for (uint32_t i = 0; i < count; i++) {
		uint8_t e[64];
		fwcfg_bytes(e, sizeof e);
		if (fwcfg_name_eq((const char *)e + 8, name)) {
			out->size = fwcfg_be32(e);
			out->select = (uint16_t)(e[4] << 8 | e[5]);
			return ST_OK;
		}
	}
	return ST_NOTFOUND;
}

size_t fwcfg_read(const struct fwcfg_file *f, void *buf, size_t len)
{
	size_t n = len < f->size ? len : f->size;
	fwcfg_select(f->select);
	fwcfg_bytes(buf, n);
	return n;
}

status_t fwcfg_read_string(const char *name, char *buf, size_t cap, size_t *len)
{
	struct fwcfg_file f;
	status_t st = fwcfg_find(name, &f);
	if (st != ST_OK)
		return st;
	*len = f.size;
	if (cap == 0 || f.size >= cap)
		return ST_RANGE;
	fwcfg_read(&f, buf, f.size);
	buf[f.size] = '\0';
	return ST_OK;
}
