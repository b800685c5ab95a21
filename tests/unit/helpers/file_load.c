/* SPDX-License-Identifier: BSD-2-Clause */
/* file_load.c - reading a test's input file (see file_load.h). */
#include "file_load.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>

#include <cmocka.h>

size_t file_load(const char *path, uint8_t *buf, size_t cap, const char *hint)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("missing %s (%s)", path, hint);
	size_t n = fread(buf, 1, cap, f);
	fclose(f);
	assert_true(n > 0 && n < cap);
	return n;
}
