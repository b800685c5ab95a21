/* SPDX-License-Identifier: BSD-2-Clause */
/* test_cmdline_names.c - unknown option names are reported once, with a suggestion. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "capture.h"
#include "kernel/cmdline_names.h"
#include "test_main.h"

static struct cmdline c;
static struct capture log;

static void test_misspelled_spmk_option_gets_suggestion(void **state)
{
	(void)state;
	capture_init(&log);
	assert_int_equal(
		cmdline_parse(
			"spmk.nohmta=device spmk.run=\"echo\" spmk.nohmta=x efi=nosoftreserve", &c,
			&log.out),
		ST_OK);
	assert_int_equal(cmdline_check_names(&c, spmk_options, spmk_options_count, &log.out), 1);
	capture_expect(&log, "unknown option 'spmk.nohmta' ignored (did you mean 'spmk.nohmat'?)");
	assert_int_equal(log.lines, 1);
	assert_int_equal(log.worst_level, LOG_WARN);
}

static void test_unknown_far_from_everything_is_a_notice(void **state)
{
	(void)state;
	capture_init(&log);
	assert_int_equal(cmdline_parse("bogus.opt=1 spmk.frobnicate log_buf_len=8K", &c, &log.out),
			 ST_OK);
	assert_int_equal(cmdline_check_names(&c, spmk_options, spmk_options_count, &log.out), 2);
	capture_expect(&log, "unknown option 'bogus.opt' ignored\n");
	capture_expect(&log, "unknown option 'spmk.frobnicate' ignored\n");
	assert_int_equal(log.worst_level, LOG_NOTICE);
}

static void test_every_known_option_accepted(void **state)
{
	(void)state;
	capture_init(&log);
	assert_int_equal(cmdline_parse("spmk.run=x spmk.nohmat=device efi=nosoftreserve "
				       "efi_fake_mem=1G@4G:0x40000 "
				       "log_buf_len=64K console=ttyS0 quiet",
				       &c, &log.out),
			 ST_OK);
	assert_int_equal(cmdline_check_names(&c, spmk_options, spmk_options_count, &log.out), 0);
	assert_int_equal(log.lines, 0);
}

TEST_MAIN(cmocka_unit_test(test_misspelled_spmk_option_gets_suggestion),
	  cmocka_unit_test(test_unknown_far_from_everything_is_a_notice),
	  cmocka_unit_test(test_every_known_option_accepted))
