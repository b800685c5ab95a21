/* SPDX-License-Identifier: BSD-2-Clause */
/* sp_ranges.c - "SIZE@START,..." parser (see sp_ranges.h).
 *
 * The string is consumed left to right, one item at a time; each item is fully checked
 * (syntax, zero size, alignment, wrap, overlap with earlier items) before it is appended. */
#include "boot/sp_ranges.h"

#include "lib/parse.h"

/* Length of the number-like token at s (digits, letters), for error messages. */
static int sp_token_len(const char *s)
{
	int n = 0;
	for (char c; n < 32 && (c = s[n]) != '\0'; n++) {
		char l = (char)(c | 0x20);
		if (!(c >= '0' && c <= '9') && !(l >= 'a' && l <= 'z'))
			break;
	}
	return n;
}

static status_t sp_number(const char **p, const char *what, unsigned item, uint64_t *v,
			  struct out *log)
{
	const char *start = *p;
	status_t st = parse_size_prefix(p, v);
	if (st == ST_RANGE)
		out_log(log, LOG_ERR, "sp-ranges: item %u: %s '%.*s' overflows 64 bits", item, what,
			sp_token_len(start), start);
	else if (st != ST_OK)
		out_log(log, LOG_ERR, "sp-ranges: item %u: expected a %s number, found '%.16s'",
			item, what, start);
	return st;
}

static status_t sp_validate_item(const struct sp_ranges *out, unsigned item, uint64_t size,
				 uint64_t base, struct range *r, struct out *log)
{
	if (size == 0) {
		out_log(log, LOG_ERR, "sp-ranges: item %u: size is zero", item);
		return ST_INVALID;
	}
	if (!IS_ALIGNED(size, PAGE_SIZE) || !IS_ALIGNED(base, PAGE_SIZE)) {
		out_log(log, LOG_ERR,
			"sp-ranges: item %u: size 0x%llx or start 0x%llx is not 4 KiB aligned",
			item, (unsigned long long)size, (unsigned long long)base);
		return ST_INVALID;
	}
	if (add_overflows(base, size, &r->end)) {
		out_log(log, LOG_ERR,
			"sp-ranges: item %u: start 0x%llx + size 0x%llx wraps past 2^64", item,
			(unsigned long long)base, (unsigned long long)size);
		return ST_RANGE;
	}
	r->base = base;
	for (unsigned i = 0; i < out->count; i++) {
		if (range_overlaps(*r, out->r[i])) {
			out_log(log, LOG_ERR,
				"sp-ranges: item %u [0x%llx, 0x%llx) overlaps item %u [0x%llx, "
				"0x%llx)",
				item, (unsigned long long)r->base, (unsigned long long)r->end,
				i + 1, (unsigned long long)out->r[i].base,
				(unsigned long long)out->r[i].end);
			return ST_INVALID;
		}
	}
	return ST_OK;
}

status_t sp_ranges_parse(const char *s, struct sp_ranges *out, struct out *log)
{
	out->count = 0;
	if (!s || !*s) {
		out_log(log, LOG_ERR, "sp-ranges: empty list (want SIZE@START[,SIZE@START...])");
		return ST_INVALID;
	}
	const char *p = s;
	for (unsigned item = 1;; item++) {
		uint64_t size, base;
		struct range r;
		if (out->count == SP_RANGES_MAX) {
			out_log(log, LOG_ERR, "sp-ranges: more than %u ranges", SP_RANGES_MAX);
			return ST_RANGE;
		}
		status_t st = sp_number(&p, "size", item, &size, log);
		if (st != ST_OK)
			return st;
		if (*p != '@') {
			out_log(log, LOG_ERR,
				"sp-ranges: item %u: expected '@' after the size, found '%.16s'",
				item, p);
			return ST_INVALID;
		}
		p++;
		st = sp_number(&p, "start", item, &base, log);
		if (st == ST_OK)
			st = sp_validate_item(out, item, size, base, &r, log);
		if (st != ST_OK)
			return st;
		out->r[out->count++] = r;
		if (*p == '\0')
			return ST_OK;
		if (*p != ',') {
			out_log(log, LOG_ERR,
				"sp-ranges: item %u: unexpected '%.16s' (want ',' or end)", item,
				p);
			return ST_INVALID;
		}
		p++;
	}
}
