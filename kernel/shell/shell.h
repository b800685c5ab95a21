/* SPDX-License-Identifier: BSD-2-Clause */
/* shell.h - the serial-console shell: line editing, command table, scripts, error lines.
 *
 * A command is a name with subcommands (struct shell_sub); a subcommand with name NULL is the
 * command's own form (`mem`, `numa -j`). Each subcommand carries its usage, a line per
 * argument and an example, which `help CMD` prints and every usage error repeats.
 * A subcommand function takes argc/argv (argv[0] the command, argv[1] the subcommand word
 * when it has one) and returns 0 on success or 1 on failure, having said why through one of
 * the helpers below, so every failure prints exactly one error line of one shape:
 *     CMD SUB: error: WHAT[: REASON]
 * (a module's explanation of a refusal, logged while the command runs, becomes REASON), and a
 * bad argument prints "CMD SUB: MESSAGE" then "CMD SUB: usage: ...".
 * Every command runs with fault recovery armed, so a fault inside one (an ownership
 * violation, a bug) ends that command with an error and the shell goes on. */
#ifndef SPMK_KERNEL_SHELL_H
#define SPMK_KERNEL_SHELL_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/status.h"

struct shell_sub {
	const char *name;    /* the subcommand word; NULL: the command's own form */
	const char *args;    /* synopsis of the arguments after the words ("" when none) */
	const char *help;    /* what it does, one line */
	const char *params;  /* "WORD  meaning" lines, '\n'-separated; NULL when no arguments */
	const char *example; /* a command line that works on `make run`'s machine */
	int (*fn)(int argc, char **argv);
};

struct shell_cmd {
	const char *name;
	const char *help;
	const struct shell_sub *subs; /* ended by an entry with fn NULL */
};

/* The command table (kernel/shell/commands.c), ended by an entry with name NULL. */
extern const struct shell_cmd shell_commands[];

/* Runs one command line; returns the command's result (or 1 for parse errors/unknown). */
int shell_run_line(const char *line);
/* Runs a `;`-separated script (spmk.run=); returns how many commands failed. */
int shell_run_script(const char *script);
/* The interactive loop on the serial console. Never returns. */
__attribute__((noreturn)) void shell_loop(void);

/* Prints "CMD SUB: usage: CMD SUB ARGS" for the running subcommand (name is the command's
 * name, used only outside a command) and returns 1. */
int shell_usage(const char *name);
/* A bad or missing argument: "CMD SUB: MESSAGE", then the usage line; returns 1. */
int shell_arg_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "CMD SUB: missing WORD" (WORD named from the usage, by position), then the usage. */
int shell_arg_missing(int argc);
/* The word count check of a subcommand taking min..max words (argv[0] included): 0 when argc
 * is within them, else the missing word (shell_arg_missing) or "unexpected 'WORD'" is reported
 * and 1 returned. */
int shell_arg_count(int argc, char **argv, int min, int max);
/* The command's one error line: "CMD SUB: error: MESSAGE[: REASON]"; returns 1. */
int shell_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "CMD SUB: error: REASON", or the status word when no module explained; returns 1. */
int shell_fail(status_t st);

/* For a command that runs many operations (selftest stress): from now on the explanations of
 * their refusals print as log lines as they come, instead of becoming the error line. */
void shell_log_explanations(void);

/* Long operations: true once the user has typed Ctrl-C on the console since the command
 * began (polls the serial port; other input is discarded). Prints nothing. */
bool shell_interrupted(void);
/* A command's own step boundary: shows progress (done of total steps) like the cancel points
 * of lib/cancel.h and returns shell_interrupted(). */
bool shell_progress(uint64_t done, uint64_t total);
/* Whether the cancel points inside the operations a command calls may stop them (on by
 * default). A command that stops only between its own steps (bench) turns them off. */
void shell_cancel_inner(bool on);

#endif
