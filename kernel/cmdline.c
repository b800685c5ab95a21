/* SPDX-License-Identifier: BSD-2-Clause */
/* cmdline.c - the command-line parser (see cmdline.h). */
#include "kernel/cmdline.h"

#include "lib/kstring.h"

static bool is_blank(char ch) { return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r'; }

/* Copies one argument from *src into dst (room >= 1 bytes, quotes removed); returns its length
 * or -1 when dst is full. Sets *open_quote when the text ended inside quotes. */
static long copy_arg(const char **src, char *dst, size_t room, bool *open_quote)
{
	const char *s = *src;
	size_t n = 0;
	bool quoted = false;
	for (; *s && (quoted || !is_blank(*s)); s++) {
		if (*s == '"') {
			quoted = !quoted;
			continue;
		}
		if (n + 1 >= room)
			return -1;
		dst[n++] = *s;
	}
	dst[n] = '\0';
	*src = s;
	*open_quote = quoted;
	return (long)n;
}

static void split_key_value(char *arg, struct cmdline_arg *out)
{
	out->key = arg;
	out->value = NULL;
	char *eq = strchr(arg, '=');
	if (eq) {
		*eq = '\0';
		out->value = eq + 1;
	}
}

status_t cmdline_parse(const char *text, struct cmdline *c, struct out *log)
{
	c->count = 0;
	c->buf[0] = '\0';
	size_t used = 0;
	status_t st = ST_OK;
	const char *s = text ? text : "";
	for (;;) {
		while (is_blank(*s))
			s++;
		if (!*s)
			break;
		if (c->count == CMDLINE_MAX_ARGS) {
			out_log(log, LOG_WARN,
				"cmdline: more than %d arguments; ignoring from '%.20s'",
				CMDLINE_MAX_ARGS, s);
			return ST_RANGE;
		}
		bool open_quote;
		long n = copy_arg(&s, c->buf + used, sizeof c->buf - used, &open_quote);
		if (n < 0) {
			out_log(log, LOG_WARN,
				"cmdline: longer than %d bytes; ignoring from offset %ld",
				CMDLINE_BUF, (long)(s - text));
			return ST_RANGE;
		}
		if (open_quote) {
			out_log(log, LOG_WARN, "cmdline: unterminated quote in '%s'",
				c->buf + used);
			st = ST_INVALID;
		}
		if (n > 0) { /* an empty argument ("") takes no room */
			split_key_value(c->buf + used, &c->args[c->count++]);
			used += (size_t)n + 1;
		}
	}
	return st;
}

const char *cmdline_get(const struct cmdline *c, const char *key)
{
	const char *v = NULL;
	for (unsigned i = 0; i < c->count; i++)
		if (strcmp(c->args[i].key, key) == 0)
			v = c->args[i].value ? c->args[i].value : "";
	return v;
}

const char *cmdline_next(const struct cmdline *c, const char *key, unsigned *pos)
{
	for (unsigned i = *pos; i < c->count; i++) {
		if (strcmp(c->args[i].key, key) == 0) {
			*pos = i + 1;
			return c->args[i].value ? c->args[i].value : "";
		}
	}
	*pos = c->count;
	return NULL;
}

bool cmdline_list_next(const char **cursor, const char **item, size_t *len)
{
	const char *s = *cursor;
	if (!s)
		return false;
	const char *e = s;
	while (*e && *e != ',')
		e++;
	*item = s;
	*len = (size_t)(e - s);
	*cursor = *e ? e + 1 : NULL;
	return true;
}

bool cmdline_item_is(const char *item, size_t len, const char *word)
{
	return strlen(word) == len && strncmp(item, word, len) == 0;
}

bool cmdline_has(const struct cmdline *c, const char *key)
{
	for (unsigned i = 0; i < c->count; i++)
		if (strcmp(c->args[i].key, key) == 0)
			return true;
	return false;
}
