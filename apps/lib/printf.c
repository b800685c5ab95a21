/* SPDX-License-Identifier: BSD-2-Clause */
/* printf.c - formatted console output for apps (include/spmk/console.h), through the kernel's
 * own formatter lib/fmt.c. Integer only: apps are built without SSE, so there is no %f. */
#include "include/spmk/console.h"

#include "lib/fmt.h"

/* The kernel's formatter (lib/fmt.c, freestanding) serves apps too. */
int spmk_vsnprintf(char *out, size_t n, const char *f, va_list ap)
{
	return fmt_vsnprintf(out, n, f, ap);
}

int spmk_snprintf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = spmk_vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return r;
}

int spmk_printf(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	int r = spmk_vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	size_t len = (size_t)r < sizeof line ? (size_t)r : sizeof line - 1;
	spmk_write(line, len);
	return (int)len;
}
