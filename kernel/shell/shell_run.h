/* SPDX-License-Identifier: BSD-2-Clause */
/* shell_run.h - the shell's state while a command runs, shared by its files (not public).
 *
 * kernel/shell/shell.c dispatches and fills it; kernel/shell/shell_report.c prints usage, error lines
 * and progress from it; kernel/shell/shell_edit.c is the line editor. */
#ifndef SPMK_KERNEL_SHELL_RUN_H
#define SPMK_KERNEL_SHELL_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/shell/shell.h"
#include "kernel/shell/shell_parse.h"

#define SHELL_PROMPT "spmk> "
#define SHELL_REASON_MAX 400
#define SHELL_PROGRESS_US 300000 /* progress appears after, and is redrawn every, 0.3 s */

struct shell_running {
	const struct shell_cmd *cmd;   /* NULL between commands */
	const struct shell_sub *sub;   /* NULL until the subcommand is known */
	char reason[SHELL_REASON_MAX]; /* module explanations held while it runs */
	bool reported;                 /* the command printed its error line */
	bool interrupted;              /* Ctrl-C seen */
	bool interactive;              /* typed at the prompt (not spmk.run): progress is shown */
	bool progress;                 /* a progress line is on the screen */
	char ahead[1024]; /* input typed while a command ran (not Ctrl-C), for the prompt */
	unsigned ahead_head, ahead_len;
	bool log_only;      /* module explanations print as log lines (shell_log_explanations) */
	uint64_t t0, shown; /* TSC at the command's start and at the last progress line */
};

extern struct shell_running shell_run_state;

/* The command named name, or NULL. */
const struct shell_cmd *shell_find_command(const char *name);
/* The cancel hook (lib/cancel.h) a command runs with: progress and Ctrl-C. */
bool shell_cancel_poll(void *ctx, uint64_t done, uint64_t total);
/* The next input byte: what was typed ahead while a command polled for Ctrl-C, then the
 * serial port (waits). */
char shell_getc(void);
/* The line editor: reads one line at the prompt into a static buffer; NULL when it was
 * cancelled with Ctrl-C or is empty. The line goes into the history. */
const char *shell_edit_line(void);

#endif
