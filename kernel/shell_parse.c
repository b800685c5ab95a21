/* shell_parse.c - script and word splitting for the shell (see shell_parse.h). */
#include "kernel/shell_parse.h"

#include <stdbool.h>

static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

status_t shell_next_command(const char **script, char *buf, size_t size)
{
	for (;;) {
		const char *s = *script;
		while (is_blank(*s) || *s == ';' || *s == '\n')
			s++;
		if (!*s) {
			*script = s;
			return ST_NOTFOUND;
		}
		size_t n = 0;
		char quote = 0;
		bool overflow = false;
		for (; *s && (quote || (*s != ';' && *s != '\n')); s++) {
			if (quote ? *s == quote : (*s == '"' || *s == '\''))
				quote = quote ? 0 : *s;
			if (n + 1 < size)
				buf[n++] = *s;
			else
				overflow = true;
		}
		if (size)
			buf[n < size ? n : size - 1] = '\0';
		*script = s;
		if (overflow)
			return ST_RANGE;
		return ST_OK;
	}
}

status_t shell_split(char *line, int *argc, char *argv[SHELL_MAX_ARGS])
{
	*argc = 0;
	char *r = line, *w = line;
	for (;;) {
		while (is_blank(*r))
			r++;
		if (!*r)
			return ST_OK;
		if (*argc == SHELL_MAX_ARGS)
			return ST_RANGE;
		argv[(*argc)++] = w;
		char quote = 0;
		for (; *r && (quote || !is_blank(*r)); r++) {
			if (quote ? *r == quote : (*r == '"' || *r == '\'')) {
				quote = quote ? 0 : *r;
				continue;
			}
			*w++ = *r;
		}
		if (quote)
			return ST_INVALID;
		bool more = *r != '\0';
		*w++ = '\0';
		if (!more)
			return ST_OK;
		r++; /* w <= r always: the NUL lands on the blank at worst */
	}
}
