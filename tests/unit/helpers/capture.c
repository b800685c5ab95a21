/* SPDX-License-Identifier: BSD-2-Clause */
/* capture.c - the collecting struct out used by host tests (see capture.h). */
#include "capture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static void capture_write(void *ctx, int level, const char *s, size_t n)
{
	struct capture *c = ctx;
	size_t room = sizeof c->text - 1 - c->len;
	if (n > room)
		n = room;
	memcpy(c->text + c->len, s, n);
	c->len += n;
	if (level != LOG_PLAIN) {
		c->lines++;
		if (level < c->worst_level)
			c->worst_level = level;
		if (level <= LOG_WARN)
			c->warnings++;
		if (c->len < sizeof c->text - 1)
			c->text[c->len++] = '\n';
	}
	c->text[c->len] = '\0';
}

void capture_init(struct capture *c)
{
	c->out.write = capture_write;
	c->out.ctx = c;
	capture_reset(c);
}

void capture_reset(struct capture *c)
{
	c->text[0] = '\0';
	c->len = 0;
	c->lines = 0;
	c->warnings = 0;
	c->worst_level = 99;
}

int capture_has(const struct capture *c, const char *s) { return strstr(c->text, s) != NULL; }

void capture_expect(const struct capture *c, const char *s)
{
	if (!capture_has(c, s))
		fail_msg("output lacks '%s'; output:\n%s", s, c->text);
}

void capture_expect_one_error(struct capture *c, const char *input, const char *s)
{
	if (c->lines != 1 || c->worst_level != LOG_ERR || !capture_has(c, s))
		fail_msg("'%s': want one error line with '%s'; %u line(s), worst level %d:\n%s",
			 input, s, c->lines, c->worst_level, c->text);
	capture_reset(c);
}
