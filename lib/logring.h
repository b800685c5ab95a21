/* SPDX-License-Identifier: BSD-2-Clause */
/* logring.h - the kernel log kept in a ring buffer of text lines (what `dmesg` prints).
 *
 * Data: the caller's byte array buf[cap]; the text held is the `len` bytes starting at `head`,
 * wrapping at cap, made of whole lines each ending in '\n'. Appending a line that does not fit
 * drops the oldest whole lines until it does (counted in `dropped`); a single line longer than
 * the ring keeps only its last cap-1 bytes (plus its '\n'). So the ring always holds the
 * newest lines, and never a partial line at its start. Pure functions; no allocation, no lock
 * (the kernel is single-threaded). */
#ifndef SPMK_LIB_LOGRING_H
#define SPMK_LIB_LOGRING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/out.h"
#include "lib/status.h"

#define LOGRING_MIN 256 /* bytes: the smallest ring logring_init/resize accept */

struct logring {
	char *buf;
	size_t cap;       /* bytes of buf in use as the ring */
	size_t head, len; /* oldest byte, bytes held */
	uint64_t lines;   /* lines held */
	uint64_t dropped; /* lines dropped to make room since init */
};

/* An empty ring over buf[cap]. Errors: ST_INVALID (buf NULL or cap < LOGRING_MIN). */
status_t logring_init(struct logring *r, char *buf, size_t cap);
/* Appends s[0..n) as one line (a '\n' is added unless s ends in one; embedded newlines
 * split it into several lines). Never fails: old lines make room. */
void logring_append(struct logring *r, const char *s, size_t n);
/* Uses only the first new_cap bytes of the same buffer from now on (new_cap <= the buffer's
 * size is the caller's promise), keeping the newest lines that fit. Errors: ST_INVALID
 * (new_cap < LOGRING_MIN). */
status_t logring_resize(struct logring *r, size_t new_cap, size_t buf_size);
/* Writes the held text, oldest first, to o (in pieces; plain output). */
void logring_print(const struct logring *r, struct out *o);
/* Copies up to size-1 bytes of held text starting `offset` bytes after the oldest into dst,
 * NUL-terminated; returns the bytes copied. For tests and for callers without a struct out. */
size_t logring_read(const struct logring *r, size_t offset, char *dst, size_t size);

#endif
