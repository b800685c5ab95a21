/* SPDX-License-Identifier: BSD-2-Clause */
/* args.c - user-typed numbers, checked and explained (see args.h). */
#include "lib/args.h"

#include <stdbool.h>

#include "lib/fmt.h"
#include "lib/parse.h"

static status_t arg_validate(const char *what, const char *text, status_t st, uint64_t v,
			     uint64_t min, uint64_t max, bool size, char *err, size_t len)
{
	if (st == ST_INVALID) {
		fmt_snprintf(err, len, "%s '%s' is not a %s", what, text,
			     size ? "size (a number, 0x for hex, then K, M, G or T)"
				  : "number (decimal, or 0x for hex)");
		return ST_INVALID;
	}
	if (st != ST_OK) {
		fmt_snprintf(err, len, "%s '%s' does not fit in 64 bits", what, text);
		return ST_RANGE;
	}
	if (v < min || v > max) {
		fmt_snprintf(err, len, "%s '%s' is out of range %llu..%llu", what, text,
			     (unsigned long long)min, (unsigned long long)max);
		return ST_RANGE;
	}
	if (len)
		err[0] = 0;
	return ST_OK;
}

/* A number (size: with a K/M/G/T suffix) from text into *out when valid. */
static status_t arg_read(const char *what, const char *text, uint64_t min, uint64_t max, bool size,
			 uint64_t *out, char *err, size_t len)
{
	uint64_t v = 0;
	status_t st = size ? parse_size(text, &v) : parse_u64(text, &v);
	st = arg_validate(what, text, st, v, min, max, size, err, len);
	if (st == ST_OK)
		*out = v;
	return st;
}

status_t arg_size(const char *what, const char *text, uint64_t min, uint64_t max, uint64_t *out,
		  char *err, size_t len)
{
	return arg_read(what, text, min, max, true, out, err, len);
}

status_t arg_u64(const char *what, const char *text, uint64_t min, uint64_t max, uint64_t *out,
		 char *err, size_t len)
{
	return arg_read(what, text, min, max, false, out, err, len);
}
