/* SPDX-License-Identifier: BSD-2-Clause */
/* cmdline.h - Linux-style kernel command-line parsing.
 *
 * Grammar: arguments separated by blanks; each is `key` or `key=value`. Double quotes group
 * blanks into one argument and are removed: `spmk.run="mem; numa"` and `"key=a b"` both give a
 * value with a blank in it. A quote left open runs to the end of the line (reported).
 * The parsed form copies the text into its own buffer, so the input may go away.
 * Keys spmk does not know are reported by cmdline_check_names (kernel/cmdline_names.h).
 *
 * Repeated keys and lists: as in Linux, where an option's handler runs once per occurrence,
 * every occurrence of a key is kept in order and a consumer walks them all (cmdline_next);
 * a value that is a comma list (`efi=debug,nosoftreserve`) is walked item by item
 * (cmdline_list_next). Options and their repeat rules: docs/kernel.md. */
#ifndef SPMK_KERNEL_CMDLINE_H
#define SPMK_KERNEL_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/out.h"
#include "lib/status.h"

#define CMDLINE_MAX_ARGS 64
#define CMDLINE_BUF 2048

struct cmdline_arg {
	const char *key;
	const char *value; /* NULL for a bare key; "" for `key=` */
};

struct cmdline {
	struct cmdline_arg args[CMDLINE_MAX_ARGS];
	unsigned count;
	char buf[CMDLINE_BUF];
};

/* Parses text into c. ST_RANGE when it has too many arguments or is too long (what fits is
 * kept), ST_INVALID for an unterminated quote (the rest is taken as the value); each reported. */
status_t cmdline_parse(const char *text, struct cmdline *c, struct out *log);
/* The value of the last occurrence of key, or NULL ("" for a bare key). Only for options that
 * are single-valued by nature; options that apply per occurrence use cmdline_next. */
const char *cmdline_get(const struct cmdline *c, const char *key);
/* The value of the first occurrence of key at argument index >= *pos ("" for a bare key), and
 * *pos moves past it; NULL when there is none. Start with *pos = 0. */
const char *cmdline_next(const struct cmdline *c, const char *key, unsigned *pos);
/* Walks a comma-separated list: stores the next item of *cursor in [*item, *item + *len) and
 * moves *cursor past it and its comma (NULL after the last item). Returns false when *cursor is
 * NULL. Empty items are items, so a consumer can report them: "a,,b" gives "a", "", "b"; "a,"
 * gives "a", ""; "" gives one empty item. */
bool cmdline_list_next(const char **cursor, const char **item, size_t *len);
/* True when [item, item + len) equals the NUL-terminated word. */
bool cmdline_item_is(const char *item, size_t len, const char *word);
bool cmdline_has(const struct cmdline *c, const char *key);

#endif
