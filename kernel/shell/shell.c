/* SPDX-License-Identifier: BSD-2-Clause */
/* shell.c - command dispatch: a line into words, the command and subcommand (with "did you
 * mean"), run with fault recovery, the cancel hook and module explanations held for the error
 * line; scripts; the interactive loop. Output shapes: kernel/shell_report.c. */
#include "kernel/shell/shell.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/trap.h"
#include "kernel/printk.h"
#include "kernel/shell/shell_parse.h"
#include "kernel/shell/shell_run.h"
#include "lib/cancel.h"
#include "lib/kstring.h"
#include "lib/suggest.h"
#include "lib/types.h"

#define R shell_run_state

struct shell_running shell_run_state;

const struct shell_cmd *shell_find_command(const char *name)
{
	for (const struct shell_cmd *c = shell_commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return 0;
}

static const char *suggest_command(const char *typed)
{
	const char *names[64];
	size_t n = 0;
	for (const struct shell_cmd *c = shell_commands; c->name && n < ARRAY_SIZE(names); c++)
		names[n++] = c->name;
	return suggest_word(typed, names, n);
}

static const char *suggest_sub(const struct shell_cmd *c, const char *typed)
{
	const char *names[32];
	size_t n = 0;
	for (const struct shell_sub *s = c->subs; s->fn && n < ARRAY_SIZE(names); s++)
		names[n++] = s->name;
	return suggest_word(typed, names, n);
}

/* Picks the subcommand for argv: a named one by argv[1], else the command's own form (which
 * takes only options, words starting with '-'). NULL when none fits (reported). */
static __attribute__((noinline)) const struct shell_sub *find_sub(const struct shell_cmd *c,
								  int argc, char **argv)
{
	const struct shell_sub *own = 0;
	bool named = false;
	for (const struct shell_sub *s = c->subs; s->fn; s++) {
		if (!s->name)
			own = s;
		else if (argc >= 2 && strcmp(s->name, argv[1]) == 0)
			return s;
		else
			named = true;
	}
	if (own && (argc < 2 || argv[1][0] == '-' || !named))
		return own;
	R.reported = true;
	if (argc < 2) {
		kprintf("%s: missing subcommand\n", c->name);
	} else {
		const char *near = suggest_sub(c, argv[1]);
		kprintf("%s: unknown subcommand '%s'", c->name, argv[1]);
		if (near)
			kprintf(" (did you mean '%s'?)", near);
		kprintf("\n");
	}
	shell_usage(c->name);
	return 0;
}

/* Runs the subcommand with recovery armed: a fault inside it makes the command fail, not the
 * kernel. Module error lines logged meanwhile become the error line's reason. */
static int run_guarded(const struct shell_cmd *c, int argc, char **argv)
{
	struct kjmp j;
	R.cmd = c;
	R.sub = 0;
	R.reported = false;
	R.interrupted = false;
	R.reason[0] = '\0';
	const struct shell_sub *s = find_sub(c, argc, argv);
	if (!s) {
		R.cmd = 0;
		return 1;
	}
	R.sub = s;
	R.progress = false;
	R.log_only = false;
	R.t0 = rdtsc();
	cancel_set(shell_cancel_poll, 0);
	printk_capture_begin(R.reason, sizeof R.reason);
	int r;
	if (trap_catch_begin(&j)) {
		printk_capture_end();
		if (R.reason[0]) /* a recovered fault explained itself: an ownership violation */
			shell_fail(ST_FAULT);
		else
			shell_error("the command faulted (see the report above)");
		r = 1;
	} else {
		r = s->fn(argc, argv);
		trap_catch_end();
	}
	cancel_set(0, 0);
	printk_capture_end();
	if (R.reason[0]) /* explained but not reported: never lose an explanation */
		shell_fail(ST_INVALID);
	else if (r != 0 && !R.reported)
		shell_error("failed");
	printk_capture_end();
	R.cmd = 0;
	R.sub = 0;
	return r;
}

int shell_run_line(const char *line)
{
	char buf[SHELL_LINE_MAX];
	size_t n = strnlen(line, sizeof buf);
	if (n == sizeof buf) {
		kprintf("shell: line longer than %d bytes\n", SHELL_LINE_MAX - 1);
		return 1;
	}
	memcpy(buf, line, n + 1);
	int argc;
	char *argv[SHELL_MAX_ARGS];
	status_t st = shell_split(buf, &argc, argv);
	if (st == ST_RANGE) {
		kprintf("shell: more than %d words\n", SHELL_MAX_ARGS);
		return 1;
	}
	if (st == ST_INVALID) {
		kprintf("shell: unterminated quote\n");
		return 1;
	}
	if (argc == 0)
		return 0;
	const struct shell_cmd *c = shell_find_command(argv[0]);
	if (!c) {
		const char *near = suggest_command(argv[0]);
		if (near)
			kprintf("%s: unknown command (did you mean '%s'? try 'help')\n", argv[0],
				near);
		else
			kprintf("%s: unknown command (try 'help')\n", argv[0]);
		return 1;
	}
	return run_guarded(c, argc, argv);
}

/* Prints "spmk> CMD" as one console write: kprintf cuts at 512 bytes, a command may be
 * SHELL_LINE_MAX - 1. */
static void echo_command(const char *cmd)
{
	char line[sizeof SHELL_PROMPT + SHELL_LINE_MAX];
	size_t p = sizeof SHELL_PROMPT - 1, n = strnlen(cmd, SHELL_LINE_MAX - 1);
	memcpy(line, SHELL_PROMPT, p);
	memcpy(line + p, cmd, n);
	line[p + n] = '\n';
	out_write(&kout, line, p + n + 1);
}

int shell_run_script(const char *script)
{
	char cmd[SHELL_LINE_MAX];
	int failed = 0;
	for (;;) {
		status_t st = shell_next_command(&script, cmd, sizeof cmd);
		if (st == ST_NOTFOUND)
			return failed;
		if (st == ST_RANGE) {
			kprintf("shell: command longer than %d bytes skipped\n",
				SHELL_LINE_MAX - 1);
			failed++;
			continue;
		}
		echo_command(cmd);
		if (shell_run_line(cmd) != 0)
			failed++;
	}
}

void shell_loop(void)
{
	for (;;) {
		const char *line = shell_edit_line();
		if (!line)
			continue;
		shell_run_state.interactive = true;
		shell_run_line(line);
		shell_run_state.interactive = false;
	}
}
