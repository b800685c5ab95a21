/* SPDX-License-Identifier: BSD-2-Clause */
/* args.h - validation of numbers a user types (shell arguments, boot options): parse, range
 * check, and on any error one message that names the argument and the text exactly as typed,
 * e.g. "size '0xffffffffffffffff' does not fit in 64 bits" or "node '64' is out of range
 * 0..63". Pure functions over strings: host-tested (tests/unit/test_lib.c, table-driven). */
#ifndef SPMK_LIB_ARGS_H
#define SPMK_LIB_ARGS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/status.h"
#include "lib/types.h"

/* A size in bytes (decimal or 0x hex, optional K/M/G/T suffix, lib/parse.h) in [min, max].
 * Errors (message in err, len bytes, always NUL-terminated): ST_INVALID (not a size),
 * ST_RANGE (does not fit in 64 bits, or outside [min, max]). */
status_t arg_size(const char *what, const char *text, uint64_t min, uint64_t max, uint64_t *out,
		  char *err, size_t len);
/* The same for a plain number (no suffix). */
status_t arg_u64(const char *what, const char *text, uint64_t min, uint64_t max, uint64_t *out,
		 char *err, size_t len);

#endif
