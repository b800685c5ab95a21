/* SPDX-License-Identifier: BSD-2-Clause */
/* test_boot_info.c - the kernel's checks of struct boot_info. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "capture.h"
#include "kernel/boot_info_validate.h"
#include "test_main.h"

static struct boot_info bi;
static struct capture log;

static int setup(void **state)
{
	(void)state;
	memset(&bi, 0, sizeof bi);
	bi.magic = BOOT_INFO_MAGIC;
	bi.version = BOOT_INFO_VERSION;
	bi.size = sizeof bi;
	bi.desc_size = 48;
	bi.desc_version = 1;
	bi.memmap_size = 48 * 120;
	bi.memmap_capacity = 48 * 200;
	bi.scratch_phys = 0x3f000000;
	bi.scratch_size = 48 * 200 / 40 * BOOT_SCRATCH_PER_DESC + BOOT_SCRATCH_FIXED;
	bi.kernel_phys = 0x3e000000;
	bi.kernel_virt = KERNEL_VIRT_BASE + 0x100000;
	bi.kernel_size = 0x40000;
	strcpy(bi.cmdline, "spmk.run=poweroff");
	bi.cmdline_len = (uint32_t)strlen(bi.cmdline);
	capture_init(&log);
	return 0;
}

static void test_good(void **state)
{
	(void)state;
	assert_int_equal(boot_info_validate(&bi, &log.out), ST_OK);
	assert_int_equal(boot_info_desc_count(&bi), 120);
	assert_int_equal(log.len, 0);
}

static void test_bad_magic(void **state)
{
	(void)state;
	bi.magic ^= 1;
	assert_int_equal(boot_info_validate(&bi, &log.out), ST_INVALID);
	assert_true(capture_has(&log, "bad magic"));
}

static void test_other_version(void **state)
{
	(void)state;
	bi.version = BOOT_INFO_VERSION + 1;
	assert_int_equal(boot_info_validate(&bi, &log.out), ST_UNSUPPORTED);
	assert_true(capture_has(&log, "version 4"));
}

/* Version 2's module table: a count beyond the table and a name without its NUL are refused. */
static void test_modules(void **state)
{
	(void)state;
	bi.module_count = 1;
	memcpy(bi.modules[0].name, "memprobe", 9);
	assert_int_equal(boot_info_validate(&bi, &log.out), ST_OK);
	bi.module_count = BOOT_MODULES_MAX + 1;
	assert_int_equal(boot_info_validate(&bi, &log.out), ST_INVALID);
	assert_true(capture_has(&log, "33 modules, at most 32"));
	bi.module_count = 1;
	memset(bi.modules[0].name, 'x', BOOT_MODULE_NAME);
	assert_int_equal(boot_info_validate(&bi, &log.out), ST_INVALID);
	assert_true(capture_has(&log, "module 0 has no NUL-terminated name"));
}

static void test_short_size(void **state)
{
	(void)state;
	bi.size = 100;
	assert_int_equal(boot_info_validate(&bi, &log.out), ST_TRUNCATED);
}

static void test_descriptor_sizes(void **state)
{
	(void)state;
	bi.desc_size = 32;
	assert_int_equal(boot_info_validate(&bi, &log.out), ST_INVALID);
	bi.desc_size = 44;
	assert_int_equal(boot_info_validate(&bi, &log.out), ST_INVALID);
	bi.desc_size = 40;
	bi.memmap_size = 48 * 120; /* 5760 = 40 * 144: fine */
	assert_int_equal(boot_info_validate(&bi, &log.out), ST_OK);
	bi.memmap_size = 41 * 40 + 8;
	assert_int_equal(boot_info_validate(&bi, &log.out), ST_INVALID);
	bi.memmap_size = 0;
	assert_int_equal(boot_info_validate(&bi, &log.out), ST_INVALID);
}

static void test_map_larger_than_buffer(void **state)
{
	(void)state;
	bi.memmap_capacity = bi.memmap_size - 48;
	assert_int_equal(boot_info_validate(&bi, &log.out), ST_INVALID);
	assert_true(capture_has(&log, "capacity"));
}

static void test_cmdline_length_mismatch(void **state)
{
	(void)state;
	bi.cmdline_len = 3;
	assert_int_equal(boot_info_validate(&bi, &log.out), ST_INVALID);
	memset(bi.cmdline, 'x', sizeof bi.cmdline); /* no NUL at all */
	bi.cmdline_len = BOOT_CMDLINE_MAX;
	assert_int_equal(boot_info_validate(&bi, &log.out), ST_INVALID);
}

static void test_kernel_placement(void **state)
{
	(void)state;
	bi.kernel_phys = 0x1001;
	assert_int_equal(boot_info_validate(&bi, &log.out), ST_INVALID);
	setup(NULL);
	bi.kernel_virt = 0x100000;
	assert_int_equal(boot_info_validate(&bi, &log.out), ST_INVALID);
	setup(NULL);
	bi.kernel_size = 0;
	assert_int_equal(boot_info_validate(&bi, &log.out), ST_INVALID);
}

/* Version 3's scratch block must hold BOOT_SCRATCH_PER_DESC bytes per descriptor the map
 * buffer can hold (at 40 bytes each) plus BOOT_SCRATCH_FIXED, page-aligned. */
static void test_scratch(void **state)
{
	(void)state;
	assert_int_equal(boot_info_validate(&bi, &log.out), ST_OK);
	bi.scratch_size -= 1;
	assert_int_equal(boot_info_validate(&bi, &log.out), ST_INVALID);
	assert_true(
		capture_has(&log, "boot_info: scratch of 192511 bytes at 0x3f000000 (need 192512"));
	bi.scratch_size += 1;
	bi.scratch_phys += 8;
	assert_int_equal(boot_info_validate(&bi, &log.out), ST_INVALID);
	bi.scratch_phys -= 8;
	bi.memmap_capacity *= 2; /* a larger buffer needs more scratch */
	assert_int_equal(boot_info_validate(&bi, &log.out), ST_INVALID);
}

TEST_MAIN(cmocka_unit_test_setup(test_good, setup), cmocka_unit_test_setup(test_bad_magic, setup),
	  cmocka_unit_test_setup(test_other_version, setup),
	  cmocka_unit_test_setup(test_scratch, setup), cmocka_unit_test_setup(test_modules, setup),
	  cmocka_unit_test_setup(test_short_size, setup),
	  cmocka_unit_test_setup(test_descriptor_sizes, setup),
	  cmocka_unit_test_setup(test_map_larger_than_buffer, setup),
	  cmocka_unit_test_setup(test_cmdline_length_mismatch, setup),
	  cmocka_unit_test_setup(test_kernel_placement, setup))
