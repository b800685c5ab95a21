/* SPDX-License-Identifier: BSD-2-Clause */
/* fmt.h - a small, freestanding printf-style formatter.
 *
 * Supports %d %i %u %x %X %o %c %s %p %% with flags '-', '0', ' ', '+', '#', a width and a
 * precision (also '*'), and the length modifiers hh h l ll z j t. Output is always
 * NUL-terminated when size > 0; the return value is the length the full output would have. */
#ifndef SPMK_LIB_FMT_H
#define SPMK_LIB_FMT_H

#include <stdarg.h>
#include <stddef.h>

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
