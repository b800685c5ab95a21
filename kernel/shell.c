/* shell.c - command dispatch with fault recovery, scripts, and the interactive line editor. */
#include "kernel/shell.h"

#include "kernel/cpu.h"
#include "kernel/printk.h"
#include "kernel/serial.h"
#include "kernel/shell_parse.h"
#include "kernel/trap.h"
#include "lib/cancel.h"
#include "lib/fmt.h"
#include "lib/kstring.h"
#include "lib/suggest.h"
#include "lib/types.h"

#include <stdarg.h>

#define LINE_MAX 256
#define HISTORY 16
#define PROMPT "spmk> "
#define SHELL_REASON_MAX 400
#define PROGRESS_US 300000 /* progress appears after, and is redrawn every, 0.3 s */

/* The running command: for error lines and usage. */
static struct {
	const struct shell_cmd *cmd;
	const struct shell_sub *sub;
	char reason[SHELL_REASON_MAX];
	bool reported; /* the command printed its error line */
	bool interrupted;
	bool interactive;   /* typed at the prompt (not spmk.run): progress is shown */
	bool progress;      /* a progress line is on the screen */
	uint64_t t0, shown; /* TSC at the command's start and at the last progress line */
} run;

static const struct shell_cmd *find_command(const char *name)
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

/* "dax claim" or "mem" */
static void print_context(void)
{
	kprintf("%s", run.cmd ? run.cmd->name : "shell");
	if (run.sub && run.sub->name)
		kprintf(" %s", run.sub->name);
}

static void print_usage_line(const struct shell_cmd *c, const struct shell_sub *s)
{
	kprintf("%s%s%s%s%s\n", c->name, s->name ? " " : "", s->name ? s->name : "",
		s->args[0] ? " " : "", s->args);
}

int shell_usage(const char *name)
{
	if (!run.cmd) {
		const struct shell_cmd *c = find_command(name);
		kprintf("%s: usage:\n", name);
		for (const struct shell_sub *s = c ? c->subs : 0; s && s->fn; s++) {
			kprintf("  ");
			print_usage_line(c, s);
		}
		return 1;
	}
	run.reported = true;
	if (!run.sub) {
		kprintf("%s: usage:\n", run.cmd->name);
		for (const struct shell_sub *s = run.cmd->subs; s->fn; s++) {
			kprintf("  ");
			print_usage_line(run.cmd, s);
		}
		kprintf("(help %s: each argument, with examples)\n", run.cmd->name);
		return 1;
	}
	print_context();
	kprintf(": usage: ");
	print_usage_line(run.cmd, run.sub);
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
	return shell_usage(run.cmd ? run.cmd->name : "shell");
}

int shell_arg_missing(int argc)
{
	/* the (argc - words)th word of the usage's first form, e.g. OWNER of "DEV OWNER" */
	int want = argc - (run.sub && run.sub->name ? 2 : 1), k = 0;
	const char *p = run.sub ? run.sub->args : "";
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
	const char *r = run.reason;
	size_t n = strlen(run.cmd ? run.cmd->name : "");
	if (!run.cmd || strncmp(r, run.cmd->name, n) != 0 || (r[n] != ' ' && r[n] != ':'))
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
	kprintf("%s%s\n", run.reason[0] ? ": " : "", run.reason[0] ? reason_text() : "");
	run.reason[0] = '\0';
	run.reported = true;
	printk_capture_begin(run.reason, sizeof run.reason);
	return 1;
}

int shell_fail(status_t st)
{
	printk_capture_end();
	print_context();
	kprintf(": error: %s\n", run.reason[0] ? reason_text() : status_str(st));
	run.reason[0] = '\0';
	run.reported = true;
	printk_capture_begin(run.reason, sizeof run.reason);
	return 1;
}

bool shell_interrupted(void)
{
	char c;
	while (!run.interrupted && serial_try_getc(&c))
		run.interrupted = c == 3;
	return run.interrupted;
}

/* The cancel hook (lib/cancel.h) while a command runs: Ctrl-C stops; an interactive command
 * running longer than PROGRESS_US shows its progress, redrawn at most every PROGRESS_US. */
static bool cancel_poll(void *ctx, uint64_t done, uint64_t total)
{
	(void)ctx;
	uint64_t now = rdtsc();
	if (run.interactive && total && tsc_to_us(now - run.t0) >= PROGRESS_US &&
	    (!run.progress || tsc_to_us(now - run.shown) >= PROGRESS_US)) {
		char line[80];
		fmt_snprintf(line, sizeof line, "%s%s%s: %lu%% (Ctrl-C stops)", run.cmd->name,
			     run.sub->name ? " " : "", run.sub->name ? run.sub->name : "",
			     (unsigned long)(done * 100 / total));
		printk_transient(line);
		run.progress = true;
		run.shown = now;
	}
	return shell_interrupted();
}

bool shell_progress(uint64_t done, uint64_t total)
{
	return cancel_poll(0, done, total);
}

void shell_cancel_inner(bool on)
{
	cancel_set(on ? cancel_poll : 0, 0);
}

/* Picks the subcommand for argv: a named one by argv[1], else the command's own form (which
 * takes only options, words starting with '-'). NULL when none fits (reported). */
static __attribute__((noinline)) const struct shell_sub *find_sub(const struct shell_cmd *c, int argc, char **argv)
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
	run.reported = true;
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
	run.cmd = c;
	run.sub = 0;
	run.reported = false;
	run.interrupted = false;
	run.reason[0] = '\0';
	const struct shell_sub *s = find_sub(c, argc, argv);
	if (!s) {
		run.cmd = 0;
		return 1;
	}
	run.sub = s;
	run.progress = false;
	run.t0 = rdtsc();
	cancel_set(cancel_poll, 0);
	printk_capture_begin(run.reason, sizeof run.reason);
	int r;
	if (trap_catch_begin(&j)) {
		printk_capture_end();
		if (run.reason[0]) /* a recovered fault explained itself: an ownership violation */
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
	if (run.reason[0]) /* explained but not reported: never lose an explanation */
		shell_fail(ST_INVALID);
	else if (r != 0 && !run.reported)
		shell_error("failed");
	printk_capture_end();
	run.cmd = 0;
	run.sub = 0;
	return r;
}

int shell_run_line(const char *line)
{
	char buf[LINE_MAX];
	size_t n = strnlen(line, sizeof buf);
	if (n == sizeof buf) {
		kprintf("shell: line longer than %d bytes\n", LINE_MAX - 1);
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
	const struct shell_cmd *c = find_command(argv[0]);
	if (!c) {
		const char *near = suggest_command(argv[0]);
		if (near)
			kprintf("%s: unknown command (did you mean '%s'? try 'help')\n", argv[0], near);
		else
			kprintf("%s: unknown command (try 'help')\n", argv[0]);
		return 1;
	}
	return run_guarded(c, argc, argv);
}

int shell_run_script(const char *script)
{
	char cmd[LINE_MAX];
	int failed = 0;
	for (;;) {
		status_t st = shell_next_command(&script, cmd, sizeof cmd);
		if (st == ST_NOTFOUND)
			return failed;
		if (st == ST_RANGE) {
			kprintf("shell: command longer than %d bytes skipped\n", LINE_MAX - 1);
			failed++;
			continue;
		}
		kprintf("%s%s\n", PROMPT, cmd);
		if (shell_run_line(cmd) != 0)
			failed++;
	}
}

/* ---- line editor: insert at cursor, backspace, ^A ^E ^U ^C, arrows, history ---- */

struct editor {
	char line[LINE_MAX];
	size_t len, cur;
	char hist[HISTORY][LINE_MAX];
	unsigned hist_count, hist_pos;
};

static void redraw(struct editor *e)
{
	kprintf("\r\x1b[K%s%.*s", PROMPT, (int)e->len, e->line);
	if (e->len > e->cur)
		kprintf("\x1b[%dD", (int)(e->len - e->cur));
}

static void set_line(struct editor *e, const char *s)
{
	e->len = e->cur = strnlen(s, LINE_MAX - 1);
	memcpy(e->line, s, e->len);
	redraw(e);
}

static void history_step(struct editor *e, int dir)
{
	if (!e->hist_count)
		return;
	if (dir < 0 && e->hist_pos > 0)
		e->hist_pos--;
	else if (dir > 0 && e->hist_pos < e->hist_count)
		e->hist_pos++;
	set_line(e, e->hist_pos == e->hist_count ? "" : e->hist[e->hist_pos % HISTORY]);
}

static void insert_char(struct editor *e, char c)
{
	if (e->len + 1 >= LINE_MAX)
		return;
	bool at_end = e->cur == e->len;
	memmove(e->line + e->cur + 1, e->line + e->cur, e->len - e->cur);
	e->line[e->cur++] = c;
	e->len++;
	if (at_end)
		kprintf("%c", c); /* the common case: just echo */
	else
		redraw(e);
}

static void erase_char(struct editor *e)
{
	if (!e->cur)
		return;
	bool at_end = e->cur == e->len;
	memmove(e->line + e->cur - 1, e->line + e->cur, e->len - e->cur);
	e->cur--;
	e->len--;
	if (at_end)
		kprintf("\b \b");
	else
		redraw(e);
}

static void handle_escape(struct editor *e)
{
	if (serial_getc() != '[')
		return;
	switch (serial_getc()) {
	case 'A': history_step(e, -1); break;
	case 'B': history_step(e, +1); break;
	case 'C': if (e->cur < e->len) { e->cur++; redraw(e); } break;
	case 'D': if (e->cur) { e->cur--; redraw(e); } break;
	default: break;
	}
}

/* Reads one line; returns false when it was cancelled with ^C. */
static bool read_line(struct editor *e)
{
	e->len = e->cur = 0;
	e->hist_pos = e->hist_count;
	kprintf("%s", PROMPT);
	for (;;) {
		char c = serial_getc();
		switch (c) {
		case '\r': case '\n':
			kprintf("\n");
			e->line[e->len] = '\0';
			return true;
		case 3: kprintf("^C\n"); return false;
		case 1: e->cur = 0; redraw(e); break;
		case 5: e->cur = e->len; redraw(e); break;
		case 21: e->len = e->cur = 0; redraw(e); break;
		case 8: case 127: erase_char(e); break;
		case 27: handle_escape(e); break;
		default:
			if (c >= ' ' && c < 127)
				insert_char(e, c);
			break;
		}
	}
}

void shell_loop(void)
{
	static struct editor e;
	for (;;) {
		if (!read_line(&e) || e.len == 0)
			continue;
		memcpy(e.hist[e.hist_count % HISTORY], e.line, e.len + 1);
		e.hist_count++;
		run.interactive = true;
		shell_run_line(e.line);
		run.interactive = false;
	}
}
