/* SPDX-License-Identifier: BSD-2-Clause */
/* printf.c - formatted console output for apps (the subset in include/spmk/console.h).
 * Integer only: apps are built without SSE, so there is no %f. */
#include "include/spmk/console.h"

#include <stdbool.h>

struct buf {
	char *p;
	size_t n, len;
};

static void put(struct buf *b, char c)
{
	if (b->len + 1 < b->n)
		b->p[b->len] = c;
	b->len++;
}

static void put_num(struct buf *b, unsigned long long v, unsigned base, bool neg, int width,
		    bool zero, bool left)
{
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	int len = n + neg;
	if (neg && zero)
		put(b, '-');
	for (; !left && width > len; width--)
		put(b, zero ? '0' : ' ');
	if (neg && !zero)
		put(b, '-');
	while (n)
		put(b, tmp[--n]);
	for (; left && width > len; width--)
		put(b, ' ');
}

static void put_str(struct buf *b, const char *s, int width, bool left)
{
	int len = (int)spmk_strlen(s);
	for (; !left && width > len; width--)
		put(b, ' ');
	while (*s)
		put(b, *s++);
	for (; left && width > len; width--)
		put(b, ' ');
}

int spmk_vsnprintf(char *out, size_t n, const char *f, va_list ap)
{
	struct buf b = { out, n, 0 };
	for (; *f; f++) {
		if (*f != '%') {
			put(&b, *f);
			continue;
		}
		bool left = false, zero = false;
		int width = 0, lng = 0;
		for (f++; *f == '-' || *f == '0'; f++)
			*f == '-' ? (left = true) : (zero = true);
		for (; *f >= '0' && *f <= '9'; f++)
			width = width * 10 + (*f - '0');
		for (; *f == 'l' || *f == 'z'; f++)
			lng++;
		switch (*f) {
		case 'd':
		case 'i': {
			long long v = lng ? va_arg(ap, long long) : va_arg(ap, int);
			put_num(&b, v < 0 ? -(unsigned long long)v : (unsigned long long)v, 10, v < 0,
				width, zero, left);
			break;
		}
		case 'u':
		case 'x': {
			unsigned long long v = lng ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned);
			put_num(&b, v, *f == 'x' ? 16 : 10, false, width, zero, left);
			break;
		}
		case 'p':
			put(&b, '0');
			put(&b, 'x');
			put_num(&b, (unsigned long long)va_arg(ap, void *), 16, false, width, zero, left);
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			put_str(&b, s ? s : "(null)", width, left);
			break;
		}
		case 'c':
			put(&b, (char)va_arg(ap, int));
			break;
		case '%':
			put(&b, '%');
			break;
		default:
			put(&b, '%');
			if (*f)
				put(&b, *f);
			else
				f--;
		}
	}
	if (n)
		out[b.len < n ? b.len : n - 1] = '\0';
	return (int)b.len;
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
