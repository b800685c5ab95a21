/* SPDX-License-Identifier: BSD-2-Clause */
/* spmk/console.h - console output, the monotonic clock, exit, and the few string helpers of
 * the user library (apps/lib). */
#ifndef SPMK_CONSOLE_H
#define SPMK_CONSOLE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Writes len bytes to the console; returns len or a negative error. */
long spmk_write(const char *buf, size_t len);
/* printf subset: %d %i %u %x %lu %ld %lx %llu %zu %s %c %p %%, width, the - and 0 flags;
 * no floating point (apps are built without SSE). Returns the bytes written (snprintf: the
 * length the whole output needs). */
int spmk_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int spmk_snprintf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int spmk_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
/* Nanoseconds since boot, monotonic. */
uint64_t spmk_clock_ns(void);
/* Ends the app with status (0..255 shown by the shell). */
__attribute__((noreturn)) void spmk_exit(int status);

size_t spmk_strlen(const char *s);
int spmk_strcmp(const char *a, const char *b);
int spmk_strncmp(const char *a, const char *b, size_t n);
/* Parses a decimal or 0x number with an optional K/M/G suffix; 0 on success, -1 on error. */
int spmk_parse_size(const char *s, uint64_t *out);

#endif
