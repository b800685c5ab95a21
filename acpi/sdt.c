/* SPDX-License-Identifier: BSD-2-Clause */
/* sdt.c - header check and subtable walker shared by every table parser (see sdt.h). */
#include "acpi/sdt.h"

#include "acpi/bytes.h"
#include "lib/kstring.h"

/* The 36-byte header: signature, and a length within [header, buffer]. */
static status_t sdt_header_validate(const uint8_t *tbl, size_t len, const char *sig,
				    struct out *log, uint32_t *tlen, uint8_t *rev)
{
	if (!tbl) {
		out_log(log, LOG_ERR, "%s: no table", sig);
		return ST_INVALID;
	}
	if (len < ACPI_SDT_HEADER_LEN) {
		out_log(log, LOG_ERR, "%s: buffer of %zu bytes is shorter than the %u-byte header",
			sig, len, ACPI_SDT_HEADER_LEN);
		return ST_TRUNCATED;
	}
	if (memcmp(tbl, sig, 4) != 0) {
		out_log(log, LOG_ERR, "%s: signature is %02x %02x %02x %02x, not %s", sig, tbl[0],
			tbl[1], tbl[2], tbl[3], sig);
		return ST_INVALID;
	}
	uint32_t l = le32(tbl + ACPI_SDT_LENGTH);
	if (l < ACPI_SDT_HEADER_LEN || l > len) {
		out_log(log, LOG_ERR, "%s: header length %u outside [%u, %zu]", sig, l,
			ACPI_SDT_HEADER_LEN, len);
		return ST_TRUNCATED;
	}
	*tlen = l;
	*rev = tbl[ACPI_SDT_REVISION];
	return ST_OK;
}

status_t acpi_sdt_fixed(const uint8_t *tbl, size_t len, const char *sig, const char *name,
			uint32_t fixed, struct out *log, uint32_t *tlen, uint8_t *rev)
{
	status_t st = sdt_header_validate(tbl, len, sig, log, tlen, rev);
	if (st != ST_OK)
		return st;
	if (*tlen < fixed) {
		out_log(log, LOG_ERR, "%s: length %u is shorter than the %u-byte fixed part", name,
			*tlen, fixed);
		return ST_TRUNCATED;
	}
	return ST_OK;
}

status_t acpi_table_open(const uint8_t *tbl, size_t len, const char *sig, const char *name,
			 uint32_t fixed, void *out, size_t size, struct out *log, uint32_t *tlen,
			 uint8_t *rev)
{
	if (!out)
		return ST_INVALID;
	memset(out, 0, size);
	return acpi_sdt_fixed(tbl, len, sig, name, fixed, log, tlen, rev);
}

/* Reads the type and length of the subtable header at p (at least w->hdr bytes). */
static void sub_header(const struct acpi_sub_walk *w, const uint8_t *p, uint32_t *type,
		       uint32_t *len)
{
	if (w->hdr == ACPI_SUB_HDR8) {
		*type = p[0];
		*len = p[1];
	} else {
		*type = le16(p);
		*len = le32(p + 4);
	}
}

status_t acpi_subtables_walk(const struct acpi_sub_walk *w, const uint8_t *tbl, uint32_t tlen,
			     void *ctx, struct out *log)
{
	for (uint32_t off = w->first; off < tlen;) {
		uint32_t left = tlen - off, type, slen;
		if (left < (uint32_t)w->hdr) {
			out_log(log, LOG_ERR, "%s: %u stray byte(s) at offset 0x%x; table rejected",
				w->name, left, off);
			return ST_TRUNCATED;
		}
		sub_header(w, tbl + off, &type, &slen);
		const struct acpi_sub_type *t = type < w->n_types ? &w->types[type] : NULL;
		uint32_t need = t && t->min_len > (uint32_t)w->hdr ? t->min_len : (uint32_t)w->hdr;
		if (slen < need || slen > left) {
			out_log(log, LOG_ERR,
				"%s: structure type %u at offset 0x%x: length %u (need "
				"%u, %u bytes left); table rejected",
				w->name, type, off, slen, need, left);
			return slen > left ? ST_TRUNCATED : ST_INVALID;
		}
		if (t && t->parse) {
			status_t st = t->parse(ctx, tbl + off, slen, off, log);
			if (st != ST_OK)
				return st;
		} else if (w->skip_note) {
			out_log(log, LOG_NOTICE, "%s: structure type %u at offset 0x%x %s, skipped",
				w->name, type, off, w->skip_note);
		}
		off += slen;
	}
	return ST_OK;
}

status_t acpi_table_parse(const struct acpi_sub_walk *w, const uint8_t *tbl, size_t len, void *out,
			  size_t size, uint8_t *rev, struct out *log)
{
	uint32_t tlen;
	uint8_t r;
	status_t st =
		acpi_table_open(tbl, len, w->sig, w->name, w->first, out, size, log, &tlen, &r);
	if (st != ST_OK)
		return st;
	if (w->max_rev && (r < w->min_rev || r > w->max_rev)) {
		out_log(log, LOG_NOTICE,
			"%s: revision %u unknown (%u to %u supported); table ignored", w->name, r,
			w->min_rev, w->max_rev);
		return ST_UNSUPPORTED;
	}
	*rev = r;
	st = acpi_subtables_walk(w, tbl, tlen, out, log);
	if (st != ST_OK)
		memset(out, 0, size);
	return st;
}
