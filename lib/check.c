/* SPDX-License-Identifier: BSD-2-Clause */
/* check.c - the host's answer to a failed CHECK: print what failed, with its values, and abort
 * (so a sanitizer or debugger shows the stack). The kernel's answer is in kernel/panic.c. */
#ifdef SPMK_HOST
#include <stdio.h>
#include <stdlib.h>

#include "lib/check.h"

void check_fail(const char *file, int line, const char *expr, const char *op, uint64_t a,
		uint64_t b)
{
	if (op && op[0] == 's' /* "status" */)
		fprintf(stderr, "CHECK failed at %s:%d: %s (status %s)\n", file, line, expr,
			status_str((status_t)a));
	else if (op)
		fprintf(stderr, "CHECK failed at %s:%d: %s (0x%llx %s 0x%llx; %llu %s %llu)\n",
			file, line, expr, (unsigned long long)a, op, (unsigned long long)b,
			(unsigned long long)a, op, (unsigned long long)b);
	else
		fprintf(stderr, "CHECK failed at %s:%d: %s\n", file, line, expr);
	fflush(stderr);
	abort();
}
#endif
