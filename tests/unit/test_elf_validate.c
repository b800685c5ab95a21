/* SPDX-License-Identifier: BSD-2-Clause */
/* test_elf_validate.c - host tests of boot/elf_validate.c: a valid kernel-like ELF built in memory,
 * then one mutation per rejection path, each checked for its status and its error line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "boot/boot_info.h"
#include "boot/elf_validate.h"

#define FILE_LEN 0x3000
#define TEXT_VA (KERNEL_VIRT_BASE + 0x100000)
#define DATA_VA (KERNEL_VIRT_BASE + 0x102000)

struct ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

struct fixture {
	uint8_t buf[FILE_LEN];
	char log[1024];
	size_t loglen;
	int lines;
	struct out out;
	struct elf_image img;
};

static void capture(void *ctx, int level, const char *s, size_t n)
{
	struct fixture *f = ctx;
	assert_int_equal(level, LOG_ERR);
	size_t room = sizeof f->log - 1 - f->loglen;
	n = n < room ? n : room;
	memcpy(f->log + f->loglen, s, n);
	f->loglen += n;
	f->log[f->loglen] = 0;
	f->lines++;
}

static struct ehdr *eh(struct fixture *f) { return (struct ehdr *)f->buf; }
static struct phdr *ph(struct fixture *f, int i) { return (struct phdr *)(f->buf + 64) + i; }

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	f->out = (struct out){ capture, f };
	struct ehdr *e = eh(f);
	memcpy(e->ident,
	       "\x7f"
	       "ELF",
	       4);
	e->ident[4] = 2;
	e->ident[5] = 1;
	e->ident[6] = 1;
	e->type = 2;
	e->machine = 62;
	e->version = 1;
	e->entry = TEXT_VA + 0x10;
	e->phoff = 64;
	e->ehsize = 64;
	e->phentsize = sizeof(struct phdr);
	e->phnum = 3;
	*ph(f, 0) = (struct phdr){ 1, 5, 0x1000, TEXT_VA, 0x100000, 0x100, 0x100, 0x1000 };
	*ph(f, 1) = (struct phdr){ 1, 6, 0x2000, DATA_VA, 0x102000, 0x10, 0x3000, 0x1000 };
	*ph(f, 2) = (struct phdr){ 0x6474e551, 6, 0, 0, 0, 0, 0, 16 }; /* GNU_STACK: ignored */
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static void expect_reject(struct fixture *f, status_t want, const char *needle)
{
	status_t st = elf_validate(f->buf, FILE_LEN, &f->img, &f->out);
	assert_int_equal(st, want);
	assert_int_equal(f->lines, 1);
	if (!strstr(f->log, needle))
		fail_msg("log '%s' lacks '%s'", f->log, needle);
}

static void test_valid(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(elf_validate(f->buf, FILE_LEN, &f->img, &f->out), ST_OK);
	assert_int_equal(f->lines, 0);
	assert_int_equal(f->img.nseg, 2);
	assert_true(f->img.entry == TEXT_VA + 0x10);
	assert_true(f->img.vmin == TEXT_VA);
	assert_true(f->img.vmax == DATA_VA + 0x3000);
	assert_true(f->img.seg[1].memsz == 0x3000 && f->img.seg[1].filesz == 0x10);
	assert_int_equal(f->img.seg[0].flags, ELF_PF_R | ELF_PF_X);
}

static void test_unaligned_buffer(void **state)
{
	struct fixture *f = *state;
	uint8_t *copy = malloc(FILE_LEN + 1);
	memcpy(copy + 1, f->buf, FILE_LEN);
	assert_int_equal(elf_validate(copy + 1, FILE_LEN, &f->img, &f->out), ST_OK);
	free(copy);
}

static void test_short_file(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(elf_validate(f->buf, 63, &f->img, &f->out), ST_TRUNCATED);
	assert_non_null(strstr(f->log, "63 bytes"));
	assert_int_equal(elf_validate(NULL, 0, &f->img, &f->out), ST_TRUNCATED);
}

static void test_bad_magic(void **state)
{
	struct fixture *f = *state;
	f->buf[1] = 'X';
	expect_reject(f, ST_INVALID, "bad magic 7f 58 4c 46");
}

static void test_bad_class(void **state)
{
	struct fixture *f = *state;
	eh(f)->ident[4] = 1;
	expect_reject(f, ST_UNSUPPORTED, "class 1");
}

static void test_big_endian(void **state)
{
	struct fixture *f = *state;
	eh(f)->ident[5] = 2;
	expect_reject(f, ST_UNSUPPORTED, "data encoding 2");
}

static void test_bad_version(void **state)
{
	struct fixture *f = *state;
	eh(f)->version = 0;
	expect_reject(f, ST_UNSUPPORTED, "version 1/0");
}

static void test_bad_machine(void **state)
{
	struct fixture *f = *state;
	eh(f)->machine = 3;
	expect_reject(f, ST_UNSUPPORTED, "machine 3");
}

static void test_bad_type(void **state)
{
	struct fixture *f = *state;
	eh(f)->type = 3; /* ET_DYN */
	expect_reject(f, ST_UNSUPPORTED, "type 3");
}

static void test_phdr_out_of_bounds(void **state)
{
	struct fixture *f = *state;
	eh(f)->phoff = FILE_LEN - 100;
	expect_reject(f, ST_TRUNCATED, "program headers at offset 0x2f9c (3 x 56 bytes)");
}

static void test_phoff_wraps(void **state)
{
	struct fixture *f = *state;
	eh(f)->phoff = UINT64_MAX - 10;
	expect_reject(f, ST_TRUNCATED, "exceed the file (12288 bytes)");
}

static void test_phnum_overflow(void **state)
{
	struct fixture *f = *state;
	eh(f)->phnum = 0xfffe;
	eh(f)->phentsize = 0xffff;
	expect_reject(f, ST_TRUNCATED, "65534 x 65535");
}

static void test_phnum_zero_and_xnum(void **state)
{
	struct fixture *f = *state;
	eh(f)->phnum = 0;
	expect_reject(f, ST_INVALID, "phnum 0");
	f->lines = 0;
	eh(f)->phnum = 0xffff;
	expect_reject(f, ST_INVALID, "phnum 65535");
}

static void test_phentsize_small(void **state)
{
	struct fixture *f = *state;
	eh(f)->phentsize = 32;
	expect_reject(f, ST_INVALID, "phentsize 32");
}

static void test_segment_beyond_file(void **state)
{
	struct fixture *f = *state;
	ph(f, 1)->filesz = 0x1001;
	ph(f, 1)->memsz = 0x3000;
	expect_reject(f, ST_TRUNCATED, "segment 1: file bytes [0x2000, +0x1001)");
}

static void test_segment_offset_wraps(void **state)
{
	struct fixture *f = *state;
	ph(f, 1)->offset = 0xfffffffffffff000ull;
	expect_reject(f, ST_TRUNCATED, "segment 1: file bytes");
}

static void test_filesz_gt_memsz(void **state)
{
	struct fixture *f = *state;
	ph(f, 0)->memsz = 0x80;
	expect_reject(f, ST_INVALID, "segment 0: filesz 0x100 > memsz 0x80");
}

static void test_align_not_power_of_two(void **state)
{
	struct fixture *f = *state;
	ph(f, 0)->align = 0x3000;
	expect_reject(f, ST_INVALID, "p_align 0x3000 is not a power of two");
}

static void test_align_mismatch(void **state)
{
	struct fixture *f = *state;
	ph(f, 1)->offset = 0x2008;
	ph(f, 1)->filesz = 0x8;
	expect_reject(f, ST_INVALID, "differ modulo p_align 0x1000");
}

static void test_overlap(void **state)
{
	struct fixture *f = *state;
	ph(f, 1)->vaddr = TEXT_VA + 0x80; /* starts inside the text segment */
	ph(f, 1)->offset = 0x2080;
	expect_reject(f, ST_INVALID, "overlap");
}

static void test_span_too_large(void **state)
{
	struct fixture *f = *state;
	ph(f, 1)->memsz = 0x40000000;
	expect_reject(f, ST_RANGE, "not below 1 GiB");
}

static void test_vaddr_wraps(void **state)
{
	struct fixture *f = *state;
	ph(f, 1)->vaddr = 0xfffffffffffff000ull;
	ph(f, 1)->offset = 0x2000;
	expect_reject(f, ST_RANGE, "wraps");
}

static void test_entry_outside(void **state)
{
	struct fixture *f = *state;
	eh(f)->entry = TEXT_VA + 0x100; /* one past the text bytes */
	expect_reject(f, ST_INVALID, "entry 0xffffffff80100100");
}

static void test_entry_in_data(void **state)
{
	struct fixture *f = *state;
	eh(f)->entry = DATA_VA; /* inside a segment, but not executable */
	expect_reject(f, ST_INVALID, "not inside the file bytes of an executable PT_LOAD");
}

static void test_vaddr_below_base(void **state)
{
	struct fixture *f = *state;
	ph(f, 0)->vaddr = 0x100000;
	expect_reject(f, ST_RANGE, "vaddr 0x100000 is below the kernel base 0xffffffff80000000");
}

/* elf_validate_bounds (apps): the same file checked against a window it does not fit. */
static void test_bounds(void **state)
{
	struct fixture *f = *state;
	const struct elf_bounds fits = { TEXT_VA, DATA_VA + 0x3000, "app" };
	assert_int_equal(elf_validate_bounds(f->buf, FILE_LEN, &fits, &f->img, &f->out), ST_OK);
	const struct elf_bounds low = { TEXT_VA, DATA_VA + 0x2000, "app" };
	assert_int_equal(elf_validate_bounds(f->buf, FILE_LEN, &low, &f->img, &f->out), ST_RANGE);
	assert_non_null(strstr(f->log, "ends above the app limit"));
	const struct elf_bounds high = { TEXT_VA + 0x1000, UINT64_MAX, "app" };
	assert_int_equal(elf_validate_bounds(f->buf, FILE_LEN, &high, &f->img, &f->out), ST_RANGE);
	assert_non_null(strstr(f->log, "is below the app base"));
}

/* An empty PT_LOAD (ld emits one at vaddr 0 for an app without data) is skipped, wherever it
 * points, so an app with only text and read-only data is valid. */
static void test_empty_segment_anywhere(void **state)
{
	struct fixture *f = *state;
	const struct elf_bounds fits = { TEXT_VA, DATA_VA + 0x3000, "app" };
	ph(f, 1)->vaddr = 0;
	ph(f, 1)->offset = 0xe8;
	ph(f, 1)->filesz = 0;
	ph(f, 1)->memsz = 0;
	assert_int_equal(elf_validate_bounds(f->buf, FILE_LEN, &fits, &f->img, &f->out), ST_OK);
	assert_int_equal(f->img.nseg, 1);
	ph(f, 1)->filesz = 0x10; /* bytes in the file but no memory: still refused */
	assert_int_not_equal(elf_validate_bounds(f->buf, FILE_LEN, &fits, &f->img, &f->out), ST_OK);
}

static void test_no_load(void **state)
{
	struct fixture *f = *state;
	ph(f, 0)->type = 4;
	ph(f, 1)->type = 4;
	expect_reject(f, ST_INVALID, "no non-empty PT_LOAD");
}

static void test_too_many_segments(void **state)
{
	struct fixture *f = *state;
	static uint8_t big[0x2000];
	memcpy(big, f->buf, 64);
	struct ehdr *e = (struct ehdr *)big;
	e->phnum = ELF_MAX_SEGMENTS + 1;
	struct phdr *p = (struct phdr *)(big + 64);
	for (int i = 0; i <= ELF_MAX_SEGMENTS; i++)
		p[i] = (struct phdr){ 1, 5, 0x1000, TEXT_VA + 0x1000 * i, 0, 0x10, 0x10, 0x1000 };
	assert_int_equal(elf_validate(big, sizeof big, &f->img, &f->out), ST_RANGE);
	assert_non_null(strstr(f->log, "more than 16"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_valid),
		T(test_unaligned_buffer),
		T(test_short_file),
		T(test_bad_magic),
		T(test_bad_class),
		T(test_big_endian),
		T(test_bad_version),
		T(test_bad_machine),
		T(test_bad_type),
		T(test_phdr_out_of_bounds),
		T(test_phoff_wraps),
		T(test_phnum_overflow),
		T(test_phnum_zero_and_xnum),
		T(test_phentsize_small),
		T(test_segment_beyond_file),
		T(test_segment_offset_wraps),
		T(test_filesz_gt_memsz),
		T(test_align_not_power_of_two),
		T(test_align_mismatch),
		T(test_overlap),
		T(test_span_too_large),
		T(test_vaddr_wraps),
		T(test_entry_outside),
		T(test_entry_in_data),
		T(test_vaddr_below_base),
		T(test_bounds),
		T(test_empty_segment_anywhere),
		T(test_no_load),
		T(test_too_many_segments),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
