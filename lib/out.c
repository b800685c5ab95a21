/* SPDX-License-Identifier: BSD-2-Clause */
/* out.c - formatting front end of struct out (see out.h). */
#include "lib/out.h"

#include "lib/fmt.h"

#define OUT_LINE_MAX 512

void out_write(struct out *o, const char *s, size_t n)
{
	if (o && o->write && n)
		o->write(o->ctx, LOG_PLAIN, s, n);
}

void out_vprintf(struct out *o, const char *fmt, va_list ap)
{
	char buf[OUT_LINE_MAX];
	if (!o || !o->write)
		return;
	int n = fmt_vsnprintf(buf, sizeof buf, fmt, ap);
	size_t len = n < 0 ? 0 : (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1;
	const char *last = fmt; /* no strlen: the loader links this file without lib/string.c */
	while (last[0] && last[1])
		last++;
	if (n >= 0 && (size_t)n >= sizeof buf && *last == '\n')
		buf[len - 1] = '\n'; /* cut, but the line still ends: the next one starts clean */
	if (len)
		o->write(o->ctx, LOG_PLAIN, buf, len);
}

void out_printf(struct out *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	out_vprintf(o, fmt, ap);
	va_end(ap);
}

void out_vlog(struct out *o, int level, const char *fmt, va_list ap)
{
	char buf[OUT_LINE_MAX];
	if (!o || !o->write)
		return;
	int n = fmt_vsnprintf(buf, sizeof buf, fmt, ap);
	size_t len = n < 0 ? 0 : (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1;
	o->write(o->ctx, level, buf, len);
}

void out_log(struct out *o, int level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	out_vlog(o, level, fmt, ap);
	va_end(ap);
}
