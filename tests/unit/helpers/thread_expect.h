/* SPDX-License-Identifier: BSD-2-Clause */
/* thread_expect.h - EXPECT(cond, fmt, ...) for code running on a test's worker threads, where
 * cmocka's asserts cannot be used (they jump back into the main thread's stack): a failed
 * expectation prints the file, line, condition and message to stderr and aborts the binary. */
#ifndef SPMK_TESTS_THREAD_EXPECT_H
#define SPMK_TESTS_THREAD_EXPECT_H

#include <stdio.h>
#include <stdlib.h>

#define EXPECT(cond, ...)                                                                          \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: %s: ", __FILE__, __LINE__, #cond);                 \
			fprintf(stderr, __VA_ARGS__);                                              \
			fprintf(stderr, "\n");                                                     \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

#endif
