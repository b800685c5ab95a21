/* SPDX-License-Identifier: BSD-2-Clause */
/* parse.h - small parsers for numbers and sizes in command lines and shell arguments.
 *
 * Sizes use the suffixes K, M, G, T (powers of 1024, either case); numbers are decimal or
 * 0x-prefixed hexadecimal. Every parser rejects overflow and trailing garbage. */
#ifndef SPMK_LIB_PARSE_H
#define SPMK_LIB_PARSE_H

#include <stdint.h>

#include "lib/status.h"

/* Parses an unsigned number at *s, advancing *s past it. ST_INVALID if no digit, ST_RANGE on
 * overflow. */
status_t parse_u64_prefix(const char **s, uint64_t *out);
/* Like parse_u64_prefix, then an optional K/M/G/T suffix. */
status_t parse_size_prefix(const char **s, uint64_t *out);
/* The whole string must be a number (or size); nothing may follow. */
status_t parse_u64(const char *s, uint64_t *out);
status_t parse_size(const char *s, uint64_t *out);

#endif
