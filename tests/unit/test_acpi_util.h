/* SPDX-License-Identifier: BSD-2-Clause */
/* test_acpi_util.h - helpers shared by the test_acpi_*.c host tests: a struct out that
 * captures text (log lines end in '\n'), fixture loading from build/data/NAME.aml, checksum
 * repair after a test edits table bytes, and the topology of a set of fixtures. Header-only:
 * each test binary is one file. */
#ifndef SPMK_TEST_ACPI_UTIL_H
#define SPMK_TEST_ACPI_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "acpi/numa.h"
#include "file_load.h"
#include "lib/out.h"

struct tcap {
	char buf[1 << 16];
	size_t len;
};

static inline void tcap_write(void *ctx, int level, const char *s, size_t n)
{
	struct tcap *c = ctx;
	if (c->len + n + 2 > sizeof c->buf)
		return;
	memcpy(c->buf + c->len, s, n);
	c->len += n;
	if (level != LOG_PLAIN)
		c->buf[c->len++] = '\n';
	c->buf[c->len] = '\0';
}

static inline struct out tcap_out(struct tcap *c)
{
	c->len = 0;
	c->buf[0] = '\0';
	return (struct out){ tcap_write, c };
}

/* Loads build/data/NAME.aml into buf; returns its size (fails the test if missing). */
static inline size_t fixture_load(const char *name, uint8_t *buf, size_t cap)
{
	char path[256];
	snprintf(path, sizeof path, "build/data/%s.aml", name);
	return file_load(path, buf, cap, "run `make fixtures` from the repo root");
}

/* What a topology is built from: the tables it was parsed from and the buffer each fixture is
 * read into. */
struct fixture_tables {
	struct srat_info s;
	struct slit_info sl;
	struct hmat_info h;
	uint8_t b[8192];
};

/* The topology of SRAT, SLIT and HMAT fixtures (slit and hmat may be NULL: no such table),
 * each table read into f->b and parsed without a log into f->s, f->sl, f->h; every step must
 * succeed. */
static inline void fixture_topology(struct numa_topology *t, struct fixture_tables *f,
				    const char *srat, const char *slit, const char *hmat)
{
	uint8_t *b = f->b;
	size_t cap = sizeof f->b;
	assert_int_equal(srat_parse(b, fixture_load(srat, b, cap), &f->s, NULL), ST_OK);
	if (slit)
		assert_int_equal(slit_parse(b, fixture_load(slit, b, cap), &f->sl, NULL), ST_OK);
	if (hmat)
		assert_int_equal(hmat_parse(b, fixture_load(hmat, b, cap), &f->h, NULL), ST_OK);
	assert_int_equal(numa_build(t, &f->s, slit ? &f->sl : NULL, hmat ? &f->h : NULL, NULL),
			 ST_OK);
}

static inline void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/* Recomputes the byte at offset csum so that the n bytes at p sum to zero. */
static inline void fix_checksum(uint8_t *p, size_t n, size_t csum)
{
	uint8_t s = 0;
	p[csum] = 0;
	for (size_t i = 0; i < n; i++)
		s = (uint8_t)(s + p[i]);
	p[csum] = (uint8_t)(0 - s);
}

#endif
