/* SPDX-License-Identifier: BSD-2-Clause */
/* shell_parse.c - script and word splitting for the shell (see shell_parse.h). */
#include "kernel/shell/shell_parse.h"

#include <stdbool.h>

#include "lib/fmt.h"
#include "lib/kstring.h"

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

bool shell_opt_value(int argc, char **argv, int *i, const char *name, char short_name,
		     const char **value)
{
	const char *w = argv[*i];
	size_t n = strlen(name);
	if (w[0] == '-' && w[1] == '-' && strncmp(w + 2, name, n) == 0) {
		if (w[2 + n] == '=') {
			*value = w + 3 + n;
			*i += 1;
			return true;
		}
		if (w[2 + n] != '\0')
			return false;
	} else if (!(short_name && w[0] == '-' && w[1] == short_name && w[2] == '\0')) {
		return false;
	}
	*value = *i + 1 < argc ? argv[*i + 1] : 0;
	*i += *value ? 2 : 1;
	return true;
}

void shell_size_echo(const char *typed, uint64_t bytes, char *buf, size_t size)
{
	bool plain = typed[0] != '\0';
	for (const char *p = typed; *p; p++)
		plain = plain && *p >= '0' && *p <= '9';
	if (plain)
		fmt_snprintf(buf, size, "%llu bytes", (unsigned long long)bytes);
	else
		fmt_snprintf(buf, size, "%s (%llu bytes)", typed, (unsigned long long)bytes);
}
