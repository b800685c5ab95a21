/* SPDX-License-Identifier: BSD-2-Clause */
/* parse.c - number and size parsers (see parse.h). */
#include "lib/parse.h"

#include <stdbool.h>

static int digit_value(char c, unsigned base)
{
	int v;
	if (c >= '0' && c <= '9')
		v = c - '0';
	else if (c >= 'a' && c <= 'f')
		v = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		v = c - 'A' + 10;
	else
		return -1;
	return (unsigned)v < base ? v : -1;
}

status_t parse_u64_prefix(const char **s, uint64_t *out)
{
	const char *p = *s;
	unsigned base = 10;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && digit_value(p[2], 16) >= 0) {
		base = 16;
		p += 2;
	}
	if (digit_value(*p, base) < 0)
		return ST_INVALID;
	uint64_t v = 0;
	for (int d; (d = digit_value(*p, base)) >= 0; p++) {
		if (__builtin_mul_overflow(v, base, &v) ||
		    __builtin_add_overflow(v, (uint64_t)d, &v))
			return ST_RANGE;
	}
	*s = p;
	*out = v;
	return ST_OK;
}

status_t parse_size_prefix(const char **s, uint64_t *out)
{
	const char *p = *s;
	uint64_t v;
	status_t st = parse_u64_prefix(&p, &v);
	if (st != ST_OK)
		return st;
	unsigned shift = 0;
	switch (*p) {
	case 'k':
	case 'K': shift = 10; break;
	case 'm':
	case 'M': shift = 20; break;
	case 'g':
	case 'G': shift = 30; break;
	case 't':
	case 'T': shift = 40; break;
	default: break;
	}
	if (shift) {
		if (v > (UINT64_MAX >> shift))
			return ST_RANGE;
		v <<= shift;
		p++;
	}
	*s = p;
	*out = v;
	return ST_OK;
}

status_t parse_u64(const char *s, uint64_t *out)
{
	status_t st = parse_u64_prefix(&s, out);
	if (st == ST_OK && *s)
		return ST_INVALID;
	return st;
}

status_t parse_size(const char *s, uint64_t *out)
{
	status_t st = parse_size_prefix(&s, out);
	if (st == ST_OK && *s)
		return ST_INVALID;
	return st;
}
