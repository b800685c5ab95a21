/* SPDX-License-Identifier: BSD-2-Clause */
/* memmap_append.c - parser and writer for the opt/spmk/test-memmap-append knob
 * (see memmap_append.h).
 *
 * The text is read line by line; each line is stripped of its comment, split into fields and
 * fully checked before its descriptor is stored. The first bad line stops the parse. */
#include "boot/memmap_append.h"

#include <stdbool.h>

#include "lib/parse.h"
#include "lib/types.h"

#define FIELDS 6 /* TYPE BASE PAGES ATTR, then COUNT and STEP (optional) */
#define FIELDS_NEEDED 4
#define EFI_DESC_BYTES 40

static const char *const field_name[FIELDS] = { "TYPE", "BASE", "PAGES", "ATTR", "COUNT", "STEP" };

static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* Length of the token at s within [s, end), for messages. */
static int token_len(const char *s, const char *end)
{
	int n = 0;
	while (s + n < end && !is_blank(s[n]) && n < 24)
		n++;
	return n;
}

/* Parses one number token [s, end) into *v. */
static status_t parse_field(const char *s, const char *end, unsigned line, unsigned f, uint64_t *v,
			    struct out *log)
{
	char tok[32];
	size_t n = (size_t)(end - s);
	if (n >= sizeof tok) {
		out_log(log, LOG_ERR, "test-memmap-append: line %u: %s '%.24s...' is too long",
			line, field_name[f], s);
		return ST_RANGE;
	}
	for (size_t i = 0; i < n; i++)
		tok[i] = s[i];
	tok[n] = '\0';
	if (n > 1 && tok[0] == '0' && tok[1] >= '0' && tok[1] <= '9') {
		out_log(log, LOG_ERR,
			"test-memmap-append: line %u: %s '%s' has a leading zero "
			"(octal is not accepted; write 0x for hex)",
			line, field_name[f], tok);
		return ST_INVALID;
	}
	status_t st = parse_u64(tok, v);
	if (st == ST_OK && f == 0 && *v > UINT32_MAX)
		st = ST_RANGE;
	if (st == ST_RANGE)
		out_log(log, LOG_ERR, "test-memmap-append: line %u: %s '%s' does not fit %u bits",
			line, field_name[f], tok, f == 0 ? 32 : 64);
	else if (st != ST_OK)
		out_log(log, LOG_ERR, "test-memmap-append: line %u: %s '%s' is not a number", line,
			field_name[f], tok);
	return st;
}

/* Parses the line [s, end) (comment already cut); *have is true when it held a descriptor. */
static status_t parse_line(const char *s, const char *end, unsigned line,
			   struct memmap_append_desc *d, bool *have, struct out *log)
{
	uint64_t v[FIELDS];
	unsigned f = 0;
	*have = false;
	for (;;) {
		while (s < end && is_blank(*s))
			s++;
		if (s == end)
			break;
		const char *tok = s;
		while (s < end && !is_blank(*s))
			s++;
		if (f == FIELDS) {
			out_log(log, LOG_ERR,
				"test-memmap-append: line %u: unexpected '%.*s' after "
				"TYPE BASE PAGES ATTR COUNT STEP",
				line, token_len(tok, end), tok);
			return ST_INVALID;
		}
		status_t st = parse_field(tok, s, line, f, &v[f], log);
		if (st != ST_OK)
			return st;
		f++;
	}
	if (f == 0)
		return ST_OK;
	if (f < FIELDS_NEEDED) {
		out_log(log, LOG_ERR,
			"test-memmap-append: line %u: %s missing (want TYPE BASE "
			"PAGES ATTR)",
			line, field_name[f]);
		return ST_INVALID;
	}
	uint64_t count = f >= 5 ? v[4] : 1, step = f == 6 ? v[5] : 2 * pages_to_bytes(v[2]);
	if (count == 0 || count > MEMMAP_APPEND_TOTAL_MAX) {
		out_log(log, LOG_ERR, "test-memmap-append: line %u: COUNT %llu outside 1..%u", line,
			(unsigned long long)count, MEMMAP_APPEND_TOTAL_MAX);
		return ST_RANGE;
	}
	*d = (struct memmap_append_desc){ (uint32_t)v[0], v[1], v[2], v[3], (uint32_t)count, step };
	*have = true;
	return ST_OK;
}

status_t memmap_append_parse(const char *text, size_t len, struct memmap_append *out,
			     struct out *log)
{
	out->count = out->total = 0;
	unsigned line = 1;
	for (size_t i = 0; i < len; line++) {
		size_t eol = i, cut = (size_t)-1;
		for (; eol < len && text[eol] != '\n'; eol++) {
			if (text[eol] == '\0') {
				out_log(log, LOG_ERR, "test-memmap-append: line %u: NUL byte",
					line);
				return ST_INVALID;
			}
			if (text[eol] == '#' && cut == (size_t)-1)
				cut = eol;
		}
		struct memmap_append_desc d;
		bool have;
		status_t st =
			parse_line(text + i, text + (cut < eol ? cut : eol), line, &d, &have, log);
		if (st != ST_OK)
			return st;
		if (have) {
			if (out->count == MEMMAP_APPEND_MAX ||
			    out->total + d.count > MEMMAP_APPEND_TOTAL_MAX) {
				out_log(log, LOG_ERR,
					"test-memmap-append: line %u: more than %d lines or "
					"%u descriptors",
					line, MEMMAP_APPEND_MAX, MEMMAP_APPEND_TOTAL_MAX);
				return ST_RANGE;
			}
			out->d[out->count++] = d;
			out->total += d.count;
		}
		i = eol + 1;
	}
	return ST_OK;
}

static void put_u32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put_u64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

status_t memmap_append_write(const struct memmap_append *a, void *buf, size_t cap, size_t desc_size,
			     size_t *written)
{
	*written = 0;
	if (desc_size < EFI_DESC_BYTES)
		return ST_INVALID;
	if (a->total && (size_t)a->total > cap / desc_size)
		return ST_RANGE;
	uint8_t *p = buf;
	for (unsigned i = 0; i < a->count; i++) {
		for (uint32_t k = 0; k < a->d[i].count; k++, p += desc_size) {
			for (size_t b = 0; b < desc_size; b++)
				p[b] = 0;
			put_u32(p, a->d[i].type);
			put_u64(p + 8,
				a->d[i].base +
					k * a->d[i].step); /* wraps as the firmware's would */
			put_u64(p + 24, a->d[i].pages);
			put_u64(p + 32, a->d[i].attr);
		}
	}
	*written = (size_t)a->total * desc_size;
	return ST_OK;
}
