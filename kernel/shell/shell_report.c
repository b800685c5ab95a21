/* SPDX-License-Identifier: BSD-2-Clause */
/* shell_report.c - what the shell prints about a command: usage lines, the one error line
 * (with the module's explanation as its reason), "missing WORD" from the usage, and the
 * progress and Ctrl-C of long operations (see shell.h for the shapes). */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/serial.h"
#include "kernel/printk.h"
#include "kernel/shell/shell_run.h"
#include "lib/cancel.h"
#include "lib/fmt.h"
#include "lib/kstring.h"

#include <stdarg.h>

#define R shell_run_state

/* "dax claim" or "mem" */
static void print_context(void)
{
	kprintf("%s", R.cmd ? R.cmd->name : "shell");
	if (R.sub && R.sub->name)
		kprintf(" %s", R.sub->name);
}

static void print_usage_line(const struct shell_cmd *c, const struct shell_sub *s)
{
	kprintf("%s%s%s%s%s\n", c->name, s->name ? " " : "", s->name ? s->name : "",
		s->args[0] ? " " : "", s->args);
}

int shell_usage(const char *name)
{
	if (!R.cmd) {
		const struct shell_cmd *c = shell_find_command(name);
		kprintf("%s: usage:\n", name);
		for (const struct shell_sub *s = c ? c->subs : 0; s && s->fn; s++) {
			kprintf("  ");
			print_usage_line(c, s);
		}
		return 1;
	}
	R.reported = true;
	if (!R.sub) {
		kprintf("%s: usage:\n", R.cmd->name);
		for (const struct shell_sub *s = R.cmd->subs; s->fn; s++) {
			kprintf("  ");
			print_usage_line(R.cmd, s);
		}
		kprintf("(help %s: each argument, with examples)\n", R.cmd->name);
		return 1;
	}
	print_context();
	kprintf(": usage: ");
	print_usage_line(R.cmd, R.sub);
	return 1;
}

int shell_arg_error(const char *fmt, ...)
{
	va_list ap;
	print_context();
	kprintf(": ");
	va_start(ap, fmt);
	out_vprintf(&kout, fmt, ap);
	va_end(ap);
	kprintf("\n");
	return shell_usage(R.cmd ? R.cmd->name : "shell");
}

int shell_arg_missing(int argc)
{
	/* the (argc - words)th word of the usage's first form, e.g. OWNER of "DEV OWNER" */
	int want = argc - (R.sub && R.sub->name ? 2 : 1), k = 0;
	const char *p = R.sub ? R.sub->args : "";
	while (*p && *p != '|') {
		while (*p == ' ' || *p == '[')
			p++;
		const char *w = p;
		while (*p && *p != ' ' && *p != ']')
			p++;
		if (p > w && k++ == want)
			return shell_arg_error("missing %.*s", (int)(p - w), w);
		while (*p == ']')
			p++;
	}
	return shell_arg_error("missing argument");
}

/* Drops a module's own tag ("dax map: ", "dax reconfigure dax0.0: ") from its explanation:
 * the error line already names the command. Other text ("ownership violation: ...") stays. */
static const char *reason_text(void)
{
	const char *r = R.reason;
	size_t n = strlen(R.cmd ? R.cmd->name : "");
	if (!R.cmd || strncmp(r, R.cmd->name, n) != 0 || (r[n] != ' ' && r[n] != ':'))
		return r;
	int spaces = 0;
	for (const char *p = r + n; *p; p++) {
		if (*p == ':' && p[1] == ' ')
			return p + 2;
		if (*p == ' ' && ++spaces > 2)
			break;
	}
	return r;
}

int shell_error(const char *fmt, ...)
{
	va_list ap;
	printk_capture_end();
	print_context();
	kprintf(": error: ");
	va_start(ap, fmt);
	out_vprintf(&kout, fmt, ap);
	va_end(ap);
	kprintf("%s%s\n", R.reason[0] ? ": " : "", R.reason[0] ? reason_text() : "");
	R.reason[0] = '\0';
	R.reported = true;
	if (!R.log_only)
		printk_capture_begin(R.reason, sizeof R.reason);
	return 1;
}

int shell_fail(status_t st)
{
	printk_capture_end();
	print_context();
	kprintf(": error: %s\n", R.reason[0] ? reason_text() : status_str(st));
	R.reason[0] = '\0';
	R.reported = true;
	if (!R.log_only)
		printk_capture_begin(R.reason, sizeof R.reason);
	return 1;
}

void shell_log_explanations(void)
{
	printk_capture_end();
	R.log_only = true;
}

bool shell_interrupted(void)
{
	char c;
	while (!R.interrupted && serial_try_getc(&c)) {
		R.interrupted = c == 3;
		if (!R.interrupted &&
		    R.ahead_len < sizeof R.ahead) /* typed ahead: kept for the prompt */
			R.ahead[(R.ahead_head + R.ahead_len++) % sizeof R.ahead] = c;
	}
	return R.interrupted;
}

/* Ctrl-C stops; an interactive command running longer than SHELL_PROGRESS_US shows its
 * progress, redrawn at most every SHELL_PROGRESS_US. */
bool shell_cancel_poll(void *ctx, uint64_t done, uint64_t total)
{
	(void)ctx;
	uint64_t now = rdtsc();
	if (R.interactive && total && tsc_to_us(now - R.t0) >= SHELL_PROGRESS_US &&
	    (!R.progress || tsc_to_us(now - R.shown) >= SHELL_PROGRESS_US)) {
		char line[80];
		fmt_snprintf(line, sizeof line, "%s%s%s: %lu%% (Ctrl-C stops)", R.cmd->name,
			     R.sub->name ? " " : "", R.sub->name ? R.sub->name : "",
			     (unsigned long)(done * 100 / total));
		printk_transient(line);
		R.progress = true;
		R.shown = now;
	}
	return shell_interrupted();
}

char shell_getc(void)
{
	if (R.ahead_len) {
		char c = R.ahead[R.ahead_head];
		R.ahead_head = (R.ahead_head + 1) % sizeof R.ahead;
		R.ahead_len--;
		return c;
	}
	return serial_getc();
}

bool shell_progress(uint64_t done, uint64_t total) { return shell_cancel_poll(0, done, total); }

void shell_cancel_inner(bool on) { cancel_set(on ? shell_cancel_poll : 0, 0); }

int shell_arg_count(int argc, char **argv, int min, int max)
{
	if (argc < min)
		return shell_arg_missing(argc);
	if (argc > max)
		return shell_arg_error("unexpected '%s'", argv[max]);
	return 0;
}
