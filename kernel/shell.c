/* shell.c - command dispatch with fault recovery, scripts, and the interactive line editor. */
#include "kernel/shell.h"

#include "kernel/printk.h"
#include "kernel/serial.h"
#include "kernel/shell_parse.h"
#include "kernel/trap.h"
#include "lib/kstring.h"

#define LINE_MAX 256
#define HISTORY 16
#define PROMPT "spmk> "

static const struct shell_cmd *find_command(const char *name)
{
	for (const struct shell_cmd *c = shell_commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return 0;
}

int shell_usage(const char *name)
{
	const struct shell_cmd *c = find_command(name);
	kprintf("%s: usage: %s\n", name, c ? c->usage : name);
	return 1;
}

/* Runs fn with recovery armed: a fault inside it makes the command fail, not the kernel. */
static int run_guarded(const struct shell_cmd *c, int argc, char **argv)
{
	struct kjmp j;
	if (trap_catch_begin(&j)) {
		kprintf("%s: failed: the command faulted (see above)\n", c->name);
		return 1;
	}
	int r = c->fn(argc, argv);
	trap_catch_end();
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
		shell_run_line(e.line);
	}
}
