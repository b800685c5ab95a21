/* SPDX-License-Identifier: BSD-2-Clause */
/* shell_edit.c - the interactive line editor on the serial console: insert at the cursor,
 * backspace, Ctrl-A, Ctrl-E, Ctrl-U, Ctrl-C, left/right arrows, up/down history. */
#include "arch/x86_64/serial.h"
#include "kernel/printk.h"
#include "kernel/shell/shell_run.h"
#include "lib/kstring.h"

#define HISTORY 16

struct editor {
	char line[SHELL_LINE_MAX];
	size_t len, cur;
	char hist[HISTORY][SHELL_LINE_MAX];
	unsigned hist_count, hist_pos;
};

static void redraw(struct editor *e)
{
	kprintf("\r\x1b[K%s%.*s", SHELL_PROMPT, (int)e->len, e->line);
	if (e->len > e->cur)
		kprintf("\x1b[%dD", (int)(e->len - e->cur));
}

static void set_line(struct editor *e, const char *s)
{
	e->len = e->cur = strnlen(s, SHELL_LINE_MAX - 1);
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
	if (e->len + 1 >= SHELL_LINE_MAX)
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
	if (shell_getc() != '[')
		return;
	switch (shell_getc()) {
	case 'A': history_step(e, -1); break;
	case 'B': history_step(e, +1); break;
	case 'C':
		if (e->cur < e->len) {
			e->cur++;
			redraw(e);
		}
		break;
	case 'D':
		if (e->cur) {
			e->cur--;
			redraw(e);
		}
		break;
	default: break;
	}
}

/* Reads one line; returns false when it was cancelled with ^C. */
static bool read_line(struct editor *e)
{
	e->len = e->cur = 0;
	e->hist_pos = e->hist_count;
	kprintf("%s", SHELL_PROMPT);
	for (;;) {
		char c = shell_getc();
		switch (c) {
		case '\r':
		case '\n':
			kprintf("\n");
			e->line[e->len] = '\0';
			return true;
		case 3: kprintf("^C\n"); return false;
		case 1:
			e->cur = 0;
			redraw(e);
			break;
		case 5:
			e->cur = e->len;
			redraw(e);
			break;
		case 21:
			e->len = e->cur = 0;
			redraw(e);
			break;
		case 8:
		case 127: erase_char(e); break;
		case 27: handle_escape(e); break;
		default:
			if (c >= ' ' && c < 127)
				insert_char(e, c);
			break;
		}
	}
}

const char *shell_edit_line(void)
{
	static struct editor e;
	if (!read_line(&e) || e.len == 0)
		return 0;
	memcpy(e.hist[e.hist_count % HISTORY], e.line, e.len + 1);
	e.hist_count++;
	return e.line;
}
