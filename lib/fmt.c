/* SPDX-License-Identifier: BSD-2-Clause */
/* fmt.c - the freestanding formatter declared in fmt.h. */
#include "lib/fmt.h"

#include <stdbool.h>
#include <stdint.h>

struct sink {
	char *buf;
	size_t size;
	size_t len;
};

static void put(struct sink *s, char c)
{
	if (s->len + 1 < s->size)
		s->buf[s->len] = c;
	s->len++;
}

static void put_repeat(struct sink *s, char c, int n)
{
	while (n-- > 0)
		put(s, c);
}

struct spec {
	bool left, zero, space, plus, alt;
	int width;
	int prec; /* -1: none */
};

static void put_str(struct sink *s, const struct spec *sp, const char *str)
{
	if (!str)
		str = "(null)";
	int n = 0;
	while ((sp->prec < 0 || n < sp->prec) && str[n])
		n++;
	if (!sp->left)
		put_repeat(s, ' ', sp->width - n);
	for (int i = 0; i < n; i++)
		put(s, str[i]);
	if (sp->left)
		put_repeat(s, ' ', sp->width - n);
}

static void put_num(struct sink *s, const struct spec *sp, uint64_t v, bool neg, unsigned base,
		    bool upper, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (sp->prec == 0 && n == 1 && tmp[0] == '0')
		n = 0;
	char sign = neg ? '-' : sp->plus ? '+' : sp->space ? ' ' : 0;
	int plen = 0;
	while (prefix && prefix[plen])
		plen++;
	int zeros = sp->prec > n ? sp->prec - n : 0;
	int total = n + zeros + plen + (sign ? 1 : 0);
	if (sp->zero && !sp->left && sp->prec < 0 && sp->width > total) {
		zeros += sp->width - total;
		total = sp->width;
	}
	if (!sp->left)
		put_repeat(s, ' ', sp->width - total);
	if (sign)
		put(s, sign);
	for (int i = 0; i < plen; i++)
		put(s, prefix[i]);
	put_repeat(s, '0', zeros);
	while (n)
		put(s, tmp[--n]);
	if (sp->left)
		put_repeat(s, ' ', sp->width - total);
}

static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
	*sp = (struct spec){ .prec = -1 };
	for (;; f++) {
		if (*f == '-')
			sp->left = true;
		else if (*f == '0')
			sp->zero = true;
		else if (*f == ' ')
			sp->space = true;
		else if (*f == '+')
			sp->plus = true;
		else if (*f == '#')
			sp->alt = true;
		else
			break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->left = true;
			sp->width = -sp->width;
		}
		f++;
	} else {
		while (*f >= '0' && *f <= '9')
			sp->width = sp->width * 10 + (*f++ - '0');
	}
	if (*f == '.') {
		f++;
		sp->prec = 0;
		if (*f == '*') {
			sp->prec = va_arg(*ap, int);
			f++;
		} else {
			while (*f >= '0' && *f <= '9')
				sp->prec = sp->prec * 10 + (*f++ - '0');
		}
	}
	return f;
}

/* Length modifiers collapse to "int-sized" (0) or "64-bit" (1) on x86_64. */
static const char *parse_length(const char *f, int *wide, int *narrow)
{
	*wide = 0;
	*narrow = 0;
	if (f[0] == 'h' && f[1] == 'h') {
		*narrow = 2;
		return f + 2;
	}
	if (f[0] == 'h') {
		*narrow = 1;
		return f + 1;
	}
	if (f[0] == 'l' && f[1] == 'l') {
		*wide = 1;
		return f + 2;
	}
	if (f[0] == 'l' || f[0] == 'z' || f[0] == 'j' || f[0] == 't') {
		*wide = 1;
		return f + 1;
	}
	return f;
}

/* Formats one conversion (the character at *f after flags, width, precision and length). */
static void format_one(struct sink *s, char conv, const struct spec *sp, int wide, int narrow,
		       va_list *ap)
{
	switch (conv) {
	case 'd':
	case 'i': {
		int64_t v = wide ? va_arg(*ap, long) : va_arg(*ap, int);
		if (narrow == 1)
			v = (short)v;
		else if (narrow == 2)
			v = (signed char)v;
		uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
		put_num(s, sp, mag, v < 0, 10, false, 0);
		break;
	}
	case 'u':
	case 'x':
	case 'X':
	case 'o': {
		uint64_t v = wide ? va_arg(*ap, unsigned long) : va_arg(*ap, unsigned int);
		if (narrow == 1)
			v = (unsigned short)v;
		else if (narrow == 2)
			v = (unsigned char)v;
		unsigned base = conv == 'u' ? 10 : conv == 'o' ? 8 : 16;
		const char *prefix = (sp->alt && v && base == 16) ? (conv == 'X' ? "0X" : "0x") : 0;
		put_num(s, sp, v, false, base, conv == 'X', prefix);
		break;
	}
	case 'p': put_num(s, sp, (uintptr_t)va_arg(*ap, void *), false, 16, false, "0x"); break;
	case 'c': {
		char c = (char)va_arg(*ap, int);
		if (!sp->left)
			put_repeat(s, ' ', sp->width - 1);
		put(s, c);
		if (sp->left)
			put_repeat(s, ' ', sp->width - 1);
		break;
	}
	case 's': put_str(s, sp, va_arg(*ap, const char *)); break;
	case '%': put(s, '%'); break;
	default:
		put(s, '%');
		put(s, conv);
		break;
	}
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap0)
{
	struct sink s = { buf, size, 0 };
	va_list ap;
	va_copy(ap, ap0);
	for (const char *f = fmt; *f; f++) {
		if (*f != '%') {
			put(&s, *f);
			continue;
		}
		struct spec sp;
		int wide, narrow;
		f = parse_spec(f + 1, &sp, &ap);
		f = parse_length(f, &wide, &narrow);
		if (!*f)
			break; /* a lone '%' at the end */
		format_one(&s, *f, &sp, wide, narrow, &ap);
	}
	va_end(ap);
	if (size)
		buf[s.len < size ? s.len : size - 1] = '\0';
	return (int)s.len;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
