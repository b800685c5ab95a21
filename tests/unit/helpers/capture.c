/* capture.c - the collecting struct out used by host tests (see capture.h). */
#include "capture.h"

#include <string.h>

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
		if (c->len < sizeof c->text - 1)
			c->text[c->len++] = '\n';
	}
	c->text[c->len] = '\0';
}

void capture_init(struct capture *c)
{
	memset(c, 0, sizeof *c);
	c->out.write = capture_write;
	c->out.ctx = c;
	c->worst_level = 99;
}

int capture_has(const struct capture *c, const char *s)
{
	return strstr(c->text, s) != NULL;
}
