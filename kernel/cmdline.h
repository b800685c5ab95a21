/* cmdline.h - Linux-style kernel command-line parsing.
 *
 * Grammar: arguments separated by blanks; each is `key` or `key=value`. Double quotes group
 * blanks into one argument and are removed: `spmk.run="mem; numa"` and `"key=a b"` both give a
 * value with a blank in it. A quote left open runs to the end of the line (reported).
 * The parsed form copies the text into its own buffer, so the input may go away.
 * Keys not in the caller's list of known keys are reported once each (cmdline_report_unknown). */
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
/* The value of the last occurrence of key (Linux: the last one wins), or NULL. */
const char *cmdline_get(const struct cmdline *c, const char *key);
bool cmdline_has(const struct cmdline *c, const char *key);
/* Reports each key not in `known` (NULL-terminated; an entry ending in '.' matches a prefix)
 * once; returns how many distinct unknown keys there were. */
unsigned cmdline_report_unknown(const struct cmdline *c, const char *const *known, struct out *log);

#endif
