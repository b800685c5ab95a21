/* SPDX-License-Identifier: BSD-2-Clause */
/* test_main.h - the one main() of a cmocka test file: TEST_MAIN(cmocka_unit_test(a), ...) runs
 * the listed tests as one group with no group setup or teardown and returns cmocka's count of
 * failures (0 when all pass). Files that need group fixtures write their own main(). */
#ifndef SPMK_TESTS_TEST_MAIN_H
#define SPMK_TESTS_TEST_MAIN_H

#define TEST_MAIN(...)                                                                             \
	int main(void)                                                                             \
	{                                                                                          \
		const struct CMUnitTest tests_[] = { __VA_ARGS__ };                                \
		return cmocka_run_group_tests(tests_, NULL, NULL);                                 \
	}

#endif
