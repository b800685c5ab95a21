/* SPDX-License-Identifier: BSD-2-Clause */
/* out.h - where text goes: a write callback plus its context.
 *
 * Every module that reports something (a parser's reason for rejecting a table, a shell
 * command's table) writes to a struct out given by its caller. The kernel passes one that
 * ends on the serial console through printk; host tests pass one that collects the text.
 * Modules therefore hold no global console and stay testable.
 *
 * Levels follow syslog: LOG_ERR 3, LOG_WARN 4, LOG_NOTICE 5, LOG_INFO 6, LOG_DEBUG 7.
 * out_printf() writes plain text (shell output, level LOG_PLAIN); out_log() writes one
 * diagnostic line at a level (the sink adds timestamps and prefixes, and the newline). */
#ifndef SPMK_LIB_OUT_H
#define SPMK_LIB_OUT_H

#include <stdarg.h>
#include <stddef.h>

enum log_level {
	LOG_EMERG = 0,
	LOG_ERR = 3,
	LOG_WARN = 4,
	LOG_NOTICE = 5,
	LOG_INFO = 6,
	LOG_DEBUG = 7,
	LOG_PLAIN = 8, /* shell output: no prefix, no timestamp, newline as given */
};

struct out {
	void (*write)(void *ctx, int level, const char *s, size_t n);
	void *ctx;
};

/* Plain output, formatted; output longer than 511 bytes is cut there, and when fmt ends in a
 * newline the cut output ends in one too. A NULL out discards. */
void out_printf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void out_vprintf(struct out *o, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* One diagnostic line at a level; the text should not end in a newline. */
void out_log(struct out *o, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void out_vlog(struct out *o, int level, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
/* Raw bytes, as given. */
void out_write(struct out *o, const char *s, size_t n);

#endif
