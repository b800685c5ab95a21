/* SPDX-License-Identifier: BSD-2-Clause */
/* capture.h - a struct out for host tests that collects everything written to it. */
#ifndef SPMK_TESTS_CAPTURE_H
#define SPMK_TESTS_CAPTURE_H

#include <stddef.h>

#include "lib/out.h"

struct capture {
	struct out out;
	char text[1 << 20];
	size_t len;
	unsigned lines;    /* out_log lines */
	unsigned warnings; /* out_log lines at LOG_WARN or more severe */
	int worst_level;   /* lowest (most severe) out_log level seen; 99 when none */
};

void capture_init(struct capture *c);
/* Forgets what was captured (the sink stays usable). */
void capture_reset(struct capture *c);
/* True when the captured text contains s. */
int capture_has(const struct capture *c, const char *s);
/* Fails the running cmocka test, showing the text, when it does not contain s. */
void capture_expect(const struct capture *c, const char *s);
/* Fails the running cmocka test unless exactly one line was logged since the last reset, at
 * LOG_ERR, containing s (input: what was given, named in the failure); then forgets it. */
void capture_expect_one_error(struct capture *c, const char *input, const char *s);

#endif
