/* SPDX-License-Identifier: BSD-2-Clause */
/* string.c - the string and memory helpers of the user library (the compiler may call
 * memset/memcpy itself), error texts and size parsing. */
#include "include/spmk/console.h"
#include "include/spmk/errors.h"
#include "lib/kstring.h"

void *memset(void *d, int c, size_t n)
{
	unsigned char *p = d;
	while (n--)
		*p++ = (unsigned char)c;
	return d;
}
void *memcpy(void *d, const void *s, size_t n)
{
	unsigned char *p = d;
	const unsigned char *q = s;
	while (n--)
		*p++ = *q++;
	return d;
}
size_t spmk_strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}
int spmk_strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}
int spmk_strcmp(const char *a, const char *b) { return spmk_strncmp(a, b, (size_t)-1); }

int spmk_parse_size(const char *s, uint64_t *out)
{
	uint64_t v = 0, base = 10;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return -1;
	for (; *s; s++) {
		unsigned d;
		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else
			break;
		if (v > (UINT64_MAX - d) / base)
			return -1;
		v = v * base + d;
	}
	unsigned shift = 0;
	if (*s == 'K' || *s == 'k')
		shift = 10;
	else if (*s == 'M' || *s == 'm')
		shift = 20;
	else if (*s == 'G' || *s == 'g')
		shift = 30;
	if (shift)
		s++;
	if (*s || (shift && v > (UINT64_MAX >> shift)))
		return -1;
	*out = v << shift;
	return 0;
}

static const char *const texts[SPMK_ERRORS] = {
	[SPMK_OK] = "success",
	[SPMK_EINVAL] = "invalid argument",
	[SPMK_ERANGE] = "out of range",
	[SPMK_ENOMEM] = "out of memory",
	[SPMK_ENOENT] = "not found",
	[SPMK_EBUSY] = "busy",
	[SPMK_EPERM] = "not permitted",
	[SPMK_EEXIST] = "already exists",
	[SPMK_EFAULT] = "bad address",
	[SPMK_EBADF] = "bad handle",
	[SPMK_ENOSYS] = "no such system call",
	[SPMK_EINTR] = "interrupted",
	[SPMK_EIO] = "refused by the kernel",
};

const char *spmk_strerror(long e)
{
	if (e < 0)
		e = -e;
	return e < SPMK_ERRORS ? texts[e] : "unknown error";
}
