/* SPDX-License-Identifier: BSD-2-Clause */
/* fake_mem.c - efi_fake_mem= parser and the descriptor splitter (see fake_mem.h).
 *
 * The parser checks each comma-separated element completely before storing it, so a stored
 * range always satisfies the invariant in fake_mem.h. The splitter is a pure function of the
 * options and one descriptor range. */
#include "mm/fake_mem.h"

#include "lib/kstring.h"
#include "lib/parse.h"
#include "lib/types.h"

void memmap_opts_init(struct memmap_opts *opts) { memset(opts, 0, sizeof *opts); }

static const char *fake_mem_element_end(const char *p)
{
	while (*p && *p != ',')
		p++;
	return p;
}

/* Parses SIZE@START:ATTR in [p, end). Returns NULL on success, else a reason. */
static const char *fake_mem_parse_element(const char *p, const char *end, struct memmap_fake *f)
{
	uint64_t size, base, attr, last;
	if (p == end)
		return "empty element";
	if (parse_size_prefix(&p, &size) != ST_OK)
		return "bad SIZE (want a number with optional K/M/G/T)";
	if (*p != '@')
		return "expected '@' after SIZE";
	p++;
	if (parse_size_prefix(&p, &base) != ST_OK)
		return "bad START (want a number with optional K/M/G/T)";
	if (*p != ':')
		return "expected ':' after START";
	p++;
	if (parse_u64_prefix(&p, &attr) != ST_OK)
		return "bad ATTR (want a number such as 0x40000)";
	if (p != end)
		return "trailing characters after ATTR";
	if (size == 0)
		return "SIZE is 0";
	if (add_overflows(base, size, &last))
		return "START + SIZE wraps past 2^64";
	if (!IS_ALIGNED(base, PAGE_SIZE) || !IS_ALIGNED(size, PAGE_SIZE))
		return "START and SIZE must be multiples of 4 KiB";
	if (attr == 0)
		return "ATTR is 0 (adds nothing)";
	if (attr & ~FAKE_MEM_ATTR_ALLOWED)
		return "ATTR has bits that are not UEFI memory attributes (allowed mask 0xff01f)";
	f->base = base;
	f->size = size;
	f->attr = attr;
	return NULL;
}

static bool efi_item_is(const char *p, const char *end, const char *word)
{
	size_t n = strlen(word);
	return (size_t)(end - p) == n && strncmp(p, word, n) == 0;
}

status_t memmap_opts_parse_efi(const char *value, struct memmap_opts *opts, struct out *log)
{
	if (!value || !opts)
		return ST_INVALID;
	status_t st = ST_OK;
	for (const char *p = value;;) {
		const char *end = fake_mem_element_end(p);
		if (efi_item_is(p, end, "nosoftreserve")) {
			opts->nosoftreserve = true;
		} else if (efi_item_is(p, end, "debug")) {
			opts->debug = true;
		} else {
			out_log(log, LOG_WARN,
				"cmdline: efi=%.*s not understood (known: debug, "
				"nosoftreserve); ignored",
				(int)MIN((uint64_t)(end - p), 64), p);
			st = ST_INVALID;
		}
		if (!*end)
			break;
		p = end + 1;
	}
	return st;
}

status_t memmap_opts_parse_fake_mem(const char *value, struct memmap_opts *opts, struct out *log)
{
	if (!value || !opts)
		return ST_INVALID;
	if (!*value) {
		out_log(log, LOG_WARN, "efi_fake_mem: empty value ignored");
		return ST_INVALID;
	}
	status_t st = ST_OK;
	unsigned idx = 0;
	for (const char *p = value;; idx++) {
		const char *end = fake_mem_element_end(p);
		struct memmap_fake f;
		const char *why = fake_mem_parse_element(p, end, &f);
		if (!why && opts->nfake >= MEMMAP_FAKE_MAX)
			why = "too many ranges (at most 16)";
		int len = (int)MIN((uint64_t)(end - p), 64);
		if (why) {
			out_log(log, LOG_WARN, "efi_fake_mem: element %u '%.*s' ignored: %s", idx,
				len, p, why);
			st = ST_INVALID;
		} else {
			opts->fake[opts->nfake++] = f;
			out_log(log, LOG_INFO,
				"efi_fake_mem: [0x%llx-0x%llx) attr |= 0x%llx on conventional "
				"memory",
				(unsigned long long)f.base, (unsigned long long)(f.base + f.size),
				(unsigned long long)f.attr);
		}
		if (!*end)
			break;
		p = end + 1;
	}
	return st;
}

/* End of a fake range, saturated at 2^64 - 1 for hand-built options that wrap. */
static uint64_t fake_mem_end(const struct memmap_fake *f)
{
	uint64_t e;
	return add_overflows(f->base, f->size, &e) ? UINT64_MAX : e;
}

/* Adds v to the sorted set pts[0..*n) if it is not there yet. */
static void fake_mem_add_point(uint64_t *pts, unsigned *n, uint64_t v)
{
	unsigned i = *n;
	for (unsigned j = 0; j < *n; j++)
		if (pts[j] == v)
			return;
	while (i > 0 && pts[i - 1] > v) {
		pts[i] = pts[i - 1];
		i--;
	}
	pts[i] = v;
	(*n)++;
}

unsigned fake_mem_split(const struct memmap_opts *opts, uint64_t base, uint64_t end,
			struct fake_mem_seg seg[FAKE_MEM_SEG_MAX])
{
	uint64_t pts[FAKE_MEM_SEG_MAX + 1];
	unsigned n = 0;
	if (base >= end)
		return 0;
	fake_mem_add_point(pts, &n, base);
	fake_mem_add_point(pts, &n, end);
	uint32_t nfake = opts ? MIN(opts->nfake, (uint32_t)MEMMAP_FAKE_MAX) : 0;
	for (uint32_t i = 0; i < nfake; i++) {
		uint64_t fb = opts->fake[i].base, fe = fake_mem_end(&opts->fake[i]);
		if (fb > base && fb < end)
			fake_mem_add_point(pts, &n, fb);
		if (fe > base && fe < end)
			fake_mem_add_point(pts, &n, fe);
	}
	for (unsigned k = 0; k + 1 < n; k++) {
		seg[k].base = pts[k];
		seg[k].end = pts[k + 1];
		seg[k].attr = 0;
		for (uint32_t i = 0; i < nfake; i++) {
			uint64_t fb = opts->fake[i].base, fe = fake_mem_end(&opts->fake[i]);
			if (fb <= seg[k].base && seg[k].end <= fe)
				seg[k].attr |= opts->fake[i].attr;
		}
	}
	return n - 1;
}
