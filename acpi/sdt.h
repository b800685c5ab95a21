/* SPDX-License-Identifier: BSD-2-Clause */
/* sdt.h - the common 36-byte ACPI system description table header (ACPI 6.5 §5.2.6).
 *
 * Every table parser starts with acpi_table_open(): its result is zeroed, then
 * acpi_sdt_fixed() checks that the buffer holds a header, the signature matches, and the
 * header's length is at least the table's fixed part and no more than the buffer. The parser
 * then works on [tbl, tbl + *tlen) only. The checksum is not checked here: discovery
 * (tables.c) has already done that for tables it hands out.
 *
 * Tables made of a fixed part and then a list of (type, length) subtables (MADT §5.2.12,
 * SRAT §5.2.16, HMAT §5.2.28) are walked by acpi_subtables_walk(): it checks each entry's
 * length against the bytes left and its type's minimum before calling that type's parser, so
 * a parser reads only inside [p, p + len) with len at least its minimum; acpi_table_parse()
 * does the whole parse of such a table from its description. */
#ifndef SPMK_ACPI_SDT_H
#define SPMK_ACPI_SDT_H

#include <stddef.h>
#include <stdint.h>

#include "lib/out.h"
#include "lib/status.h"

#define ACPI_SDT_HEADER_LEN 36u
#define ACPI_SDT_LENGTH 4
#define ACPI_SDT_REVISION 8
#define ACPI_SDT_CHECKSUM 9
#define ACPI_SDT_OEM_ID 10
#define ACPI_SDT_OEM_TABLE_ID 16

/* Checks the header of a table claimed to be `sig` in a buffer of len bytes, then its fixed
 * part: the header's length must be at least `fixed` bytes (the offset of its first subtable,
 * or the smallest layout the parser reads). `name` is the table's name in messages (MADT for
 * "APIC"). On success stores the table length (<= len) in *tlen and the revision in *rev.
 * Errors (one LOG_ERR line): ST_INVALID (NULL, wrong signature: "SIG: ..."), ST_TRUNCATED
 * (buffer shorter than the header or than the header's length: "SIG: ..."; "NAME: length N
 * is shorter than the F-byte fixed part"). */
status_t acpi_sdt_fixed(const uint8_t *tbl, size_t len, const char *sig, const char *name,
			uint32_t fixed, struct out *log, uint32_t *tlen, uint8_t *rev);

/* The opening every table parser shares: the result `out` (size bytes) must not be NULL and
 * is zeroed, then the header and fixed part are checked as acpi_sdt_fixed does, with the same
 * *tlen and *rev on success. Errors: ST_INVALID (out NULL), and those of acpi_sdt_fixed. */
status_t acpi_table_open(const uint8_t *tbl, size_t len, const char *sig, const char *name,
			 uint32_t fixed, void *out, size_t size, struct out *log, uint32_t *tlen,
			 uint8_t *rev);

/* How a table lays out its subtable headers. */
enum acpi_sub_hdr {
	ACPI_SUB_HDR8 = 2,  /* u8 type, u8 length (MADT, SRAT) */
	ACPI_SUB_HDR32 = 8, /* u16 type, u16 reserved, u32 length (HMAT) */
};

/* One parser per subtable type: p points at the entry, len (bytes) is its length, at least
 * the type's min_len; off is its offset in the table, for messages. */
typedef status_t (*acpi_sub_parse_fn)(void *ctx, const uint8_t *p, uint32_t len, uint32_t off,
				      struct out *log);

struct acpi_sub_type {
	uint32_t min_len;        /* bytes; 0: the header's size */
	acpi_sub_parse_fn parse; /* NULL: known but not used, skipped */
};

struct acpi_sub_walk {
	const char *sig;          /* signature ("APIC") */
	const char *name;         /* table name in messages ("MADT") */
	uint32_t first;           /* offset of the first subtable (bytes) */
	uint8_t min_rev, max_rev; /* revisions understood; max_rev 0: any */
	enum acpi_sub_hdr hdr;
	const struct acpi_sub_type *types; /* indexed by type */
	uint32_t n_types;
	/* Types without a parser (NULL parse, or at or above n_types) are skipped; when
	 * skip_note is non-NULL each one is logged at LOG_NOTICE as "NAME: structure type T at
	 * offset 0xO SKIP_NOTE, skipped". */
	const char *skip_note;
};

/* Walks the subtables of a table of tlen bytes (tlen already checked by acpi_sdt_fixed),
 * calling each type's parser in table order and stopping at the first error it returns.
 * Errors (one LOG_ERR line "NAME: ...; table rejected"): ST_TRUNCATED (fewer bytes left than
 * a subtable header: "N stray byte(s) at offset 0xO"; a length past the table's end),
 * ST_INVALID (a length below the type's minimum, which includes a zero length), and whatever
 * a parser returns. */
status_t acpi_subtables_walk(const struct acpi_sub_walk *w, const uint8_t *tbl, uint32_t tlen,
			     void *ctx, struct out *log);

/* The whole parse of a table made of a header, a fixed part of w->first bytes and subtables
 * (MADT, SRAT, HMAT), into out (size bytes, the parsers' ctx): acpi_table_open with w->sig,
 * then the revision, stored in *rev (inside out: stored before the walk, parsers may read
 * it), then acpi_subtables_walk. On any error out is all zeroes: a rejected table leaves no
 * half-filled result. Errors: those of acpi_table_open and acpi_subtables_walk;
 * ST_UNSUPPORTED (a revision outside [w->min_rev, w->max_rev] when max_rev is set: one
 * LOG_NOTICE "NAME: revision R unknown (MIN to MAX supported); table ignored"). */
status_t acpi_table_parse(const struct acpi_sub_walk *w, const uint8_t *tbl, size_t len, void *out,
			  size_t size, uint8_t *rev, struct out *log);

#endif
