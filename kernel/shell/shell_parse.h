/* SPDX-License-Identifier: BSD-2-Clause */
/* shell_parse.h - splitting shell input: a script into commands, a command into words.
 *
 * Commands are separated by ';' or newlines; words by blanks. Single or double quotes group
 * blanks and separators and are removed. Parsing writes into a caller buffer: no allocation. */
#ifndef SPMK_KERNEL_SHELL_PARSE_H
#define SPMK_KERNEL_SHELL_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "include/spmk/args.h"
#include "lib/status.h"

/* Words of one command: enough for `app run NAME` and every argument an app may receive. */
#define SHELL_MAX_ARGS (SPMK_ARGS_MAX + 2)
/* Bytes of one command line, its NUL included: "app run " (8) and every argument byte an app
 * may receive, each argument quoted (its NUL becomes a blank, plus two quotes). */
#define SHELL_LINE_MAX (8 + SPMK_ARGS_BYTES + 2 * SPMK_ARGS_MAX)

/* Copies the next command of *script (up to an unquoted ';' or newline) into buf and advances
 * *script past the separator. Returns ST_NOTFOUND at the end, ST_RANGE when the command does
 * not fit in buf (it is skipped). Empty commands are skipped. */
status_t shell_next_command(const char **script, char *buf, size_t size);

/* Splits line (modified in place) into argv. ST_RANGE with more than SHELL_MAX_ARGS words,
 * ST_INVALID with an unterminated quote. */
status_t shell_split(char *line, int *argc, char *argv[SHELL_MAX_ARGS]);

/* Matches the option at argv[*i] in the spellings daxctl and most tools accept: "--NAME=V",
 * "--NAME V", "-S V" (S the short letter; 0: none). On a match sets *value (NULL when the
 * value is missing), moves *i past the words used and returns true; else changes nothing. */
bool shell_opt_value(int argc, char **argv, int *i, const char *name, char short_name,
		     const char **value);

/* A size as the user typed it, for messages: "16 bytes" for a plain decimal number, else
 * "TYPED (N bytes)", e.g. "4K (4096 bytes)". Writes at most size bytes (NUL-terminated). */
void shell_size_echo(const char *typed, uint64_t bytes, char *buf, size_t size);

#endif
