/* SPDX-License-Identifier: BSD-2-Clause */
/* logring.c - the kernel log ring (see logring.h). */
#include "lib/logring.h"

#include "lib/kstring.h"

status_t logring_init(struct logring *r, char *buf, size_t cap)
{
	if (!buf || cap < LOGRING_MIN)
		return ST_INVALID;
	memset(r, 0, sizeof *r);
	r->buf = buf;
	r->cap = cap;
	return ST_OK;
}

static char ring_at(const struct logring *r, size_t i) { return r->buf[(r->head + i) % r->cap]; }

/* Drops the oldest line. */
static void drop_oldest(struct logring *r)
{
	size_t n = 0;
	while (n < r->len && ring_at(r, n) != '\n')
		n++;
	n = n < r->len ? n + 1 : r->len;
	r->head = (r->head + n) % r->cap;
	r->len -= n;
	r->lines--;
	r->dropped++;
}

static void put_bytes(struct logring *r, const char *s, size_t n)
{
	size_t tail = (r->head + r->len) % r->cap;
	size_t first = n < r->cap - tail ? n : r->cap - tail;
	memcpy(r->buf + tail, s, first);
	memcpy(r->buf, s + first, n - first);
	r->len += n;
}

/* One line without its newline: at most cap-1 bytes of it (its end) are kept. */
static void append_one(struct logring *r, const char *s, size_t n)
{
	if (n > r->cap - 1) {
		s += n - (r->cap - 1);
		n = r->cap - 1;
	}
	while (r->len + n + 1 > r->cap)
		drop_oldest(r);
	put_bytes(r, s, n);
	put_bytes(r, "\n", 1);
	r->lines++;
}

void logring_append(struct logring *r, const char *s, size_t n)
{
	for (;;) {
		size_t k = 0;
		while (k < n && s[k] != '\n')
			k++;
		append_one(r, s, k);
		if (k + 1 >= n)
			return;
		s += k + 1;
		n -= k + 1;
	}
}

static void reverse(char *b, size_t i, size_t j) /* [i, j) */
{
	for (; i + 1 < j; i++, j--) {
		char t = b[i];
		b[i] = b[j - 1];
		b[j - 1] = t;
	}
}

status_t logring_resize(struct logring *r, size_t new_cap, size_t buf_size)
{
	if (new_cap < LOGRING_MIN || new_cap > buf_size)
		return ST_INVALID;
	while (r->len > new_cap)
		drop_oldest(r);
	/* rotate the old ring left by head (three reversals), so the held text is [0, len) */
	reverse(r->buf, 0, r->head);
	reverse(r->buf, r->head, r->cap);
	reverse(r->buf, 0, r->cap);
	r->head = 0;
	r->cap = new_cap;
	return ST_OK;
}

void logring_print(const struct logring *r, struct out *o)
{
	size_t first = r->len < r->cap - r->head ? r->len : r->cap - r->head;
	out_write(o, r->buf + r->head, first);
	out_write(o, r->buf, r->len - first);
}

size_t logring_read(const struct logring *r, size_t offset, char *dst, size_t size)
{
	size_t n = 0;
	if (!size)
		return 0;
	for (size_t i = offset; i < r->len && n + 1 < size; i++)
		dst[n++] = ring_at(r, i);
	dst[n] = '\0';
	return n;
}
