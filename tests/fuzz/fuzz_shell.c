/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_shell.c - libFuzzer target for the shell's command parser and the host-compilable
 * validators its commands feed words to: shell_next_command and shell_split
 * (kernel/shell/shell_parse.c), number and size arguments (lib/parse.c), device names (dax_find)
 * and owner names (dax_claim). Each is compared with a small reference written here from the
 * documented rules, so a wrong answer aborts, not only a crash.
 * Coverage: kernel/shell/shell_parse.c lib/parse.c
 *
 * Input: a script, as `spmk.run=` gives it (cut at 4 KiB). The script is split into commands
 * with the kernel's 256-byte line buffer, and every command into words. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/shell/shell_parse.h"
#include "lib/parse.h"
#include "mm/dax.h"
#include "tests/fuzz/fuzz_util.h"

#define LINE_MAX SHELL_LINE_MAX /* kernel/shell/shell_parse.h */

static bool blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* Reference for shell_next_command: the next run up to an unquoted ';' or newline, after
 * skipping blanks and separators; *full is its whole length. */
static const char *ref_next(const char *s, size_t *full, const char **next)
{
	while (blank(*s) || *s == ';' || *s == '\n')
		s++;
	if (!*s)
		return NULL;
	const char *start = s;
	char q = 0;
	while (*s && (q || (*s != ';' && *s != '\n'))) {
		if (q && *s == q)
			q = 0;
		else if (!q && (*s == '"' || *s == '\''))
			q = *s;
		s++;
	}
	*full = (size_t)(s - start);
	*next = s;
	return start;
}

/* Reference for shell_split: words of non-blanks, quotes grouping blanks and removed. */
static status_t ref_split(const char *s, int *argc, char words[][LINE_MAX])
{
	*argc = 0;
	for (;;) {
		while (blank(*s))
			s++;
		if (!*s)
			return ST_OK;
		if (*argc == SHELL_MAX_ARGS)
			return ST_RANGE;
		char *w = words[(*argc)++];
		char q = 0;
		for (; *s && (q || !blank(*s)); s++) {
			if (q ? *s == q : (*s == '"' || *s == '\''))
				q = q ? 0 : *s;
			else
				*w++ = *s;
		}
		*w = 0;
		if (q)
			return ST_INVALID;
	}
}

/* Reference for parse_u64/parse_size: decimal, or 0x with at least one hex digit; sizes take
 * one K/M/G/T (either case) suffix; overflow is ST_RANGE; anything else ST_INVALID. */
static status_t ref_number(const char *s, bool size, uint64_t *v)
{
	unsigned base = 10;
	if (s[0] == '0' && (s[1] | 0x20) == 'x' && strchr("0123456789abcdefABCDEF", s[2]) && s[2])
		base = 16, s += 2;
	unsigned __int128 x = 0;
	const char *p = s;
	bool over = false;
	for (;; p++) {
		int d = *p >= '0' && *p <= '9' ? *p - '0'
			: base == 16 && (*p | 0x20) >= 'a' && (*p | 0x20) <= 'f'
				? (*p | 0x20) - 'a' + 10
				: -1;
		if (d < 0)
			break;
		x = x * base + (unsigned)d;
		over |= x > UINT64_MAX;
	}
	if (p == s)
		return ST_INVALID;
	if (over)
		return ST_RANGE;
	if (size && *p && strchr("kKmMgGtT", *p)) {
		static const char suf[] = "kmgt";
		x <<= 10 * (unsigned)(strchr(suf, *p | 0x20) - suf + 1);
		p++;
		if (x > UINT64_MAX)
			return ST_RANGE; /* overflow is reported before trailing text */
	}
	if (*p)
		return ST_INVALID;
	*v = (uint64_t)x;
	return ST_OK;
}

static bool ref_owner(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > DAX_OWNER_MAX)
		return false;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:@+-",
			    *s))
			return false;
	return true;
}

static status_t nop_map(void *c, vaddr_t virt, paddr_t phys, uint64_t size, uint64_t max_page)
{
	(void)c, (void)virt, (void)phys, (void)size, (void)max_page;
	return ST_OK;
}
/* No dirty bits here: the whole window counts as written. */
static void nop_unmap(void *c, vaddr_t virt, uint64_t size, dax_written_fn written, void *arg)
{
	(void)c;
	written(arg, virt, size);
}
static void nop_scrub(void *c, struct range r) { (void)c, (void)r; }
static const struct dax_ops ops = { .map = nop_map, .unmap = nop_unmap, .scrub = nop_scrub };
static struct dax dax;

/* dax0.0 (64 MiB), dax1.0 (1 GiB), dax1.1 and dax1.2 carved from it: the names a session has. */
static void dax_setup(void)
{
	static bool done;
	if (done)
		return;
	uint32_t dev;
	dax_init(&dax, &ops, NULL, 1);
	if (dax_region_add(&dax, range_of(pa_of(4ull << 30), 64ull << 20), 1, 0, NULL) != ST_OK ||
	    dax_region_add(&dax, range_of(pa_of(8ull << 30), 1ull << 30), 2, 0, NULL) != ST_OK ||
	    dax_find(&dax, "dax1.0", &dev) != ST_OK || dax_destroy_device(&dax, dev) != ST_OK ||
	    dax_create_device(&dax, 1, 2ull << 20, 2ull << 20, &dev) != ST_OK ||
	    dax_create_device(&dax, 1, 2ull << 20, 2ull << 20, &dev) != ST_OK ||
	    dax_create_device(&dax, 1, 4ull << 20, 2ull << 20, &dev) != ST_OK)
		abort();
	done = true;
}

static void check_word(const char *w)
{
	uint64_t a, b;
	status_t st = parse_u64(w, &a), rs = ref_number(w, false, &b);
	if (st != rs || (st == ST_OK && a != b))
		abort();
	st = parse_size(w, &a);
	rs = ref_number(w, true, &b);
	if (st != rs || (st == ST_OK && a != b))
		abort();
	uint32_t dev;
	char name[DAX_NAME_MAX];
	if (dax_find(&dax, w, &dev) == ST_OK) {
		dax_device_name(&dax, dev, name, sizeof name);
		if (strcmp(name, w) != 0)
			abort();
	}
	struct dax_handle h;
	st = dax_claim(&dax, 0, w, &h);
	if ((st == ST_OK) != ref_owner(w))
		abort();
	if (st == ST_OK && dax_release(&dax, h) != ST_OK)
		abort();
}

static void check_command(const char *cmd)
{
	char line[LINE_MAX], words[SHELL_MAX_ARGS][LINE_MAX];
	strcpy(line, cmd);
	int argc, rargc;
	char *argv[SHELL_MAX_ARGS];
	status_t st = shell_split(line, &argc, argv), rs = ref_split(cmd, &rargc, words);
	if (st != rs || argc != rargc || argc > SHELL_MAX_ARGS)
		abort();
	/* an unterminated quote leaves the last word unfinished: callers never read it */
	int complete = st == ST_INVALID ? argc - 1 : argc;
	for (int i = 0; i < complete; i++) {
		if (argv[i] < line || argv[i] >= line + sizeof line ||
		    strcmp(argv[i], words[i]) != 0)
			abort();
		if (st == ST_OK)
			check_word(argv[i]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[4097];
	size = size < 4096 ? size : 4096;
	memcpy(text, data, size);
	text[size] = 0;
	dax_setup();

	const char *script = text, *ref = text;
	char cmd[LINE_MAX];
	status_t st;
	while ((st = shell_next_command(&script, cmd, sizeof cmd)) != ST_NOTFOUND) {
		size_t full;
		const char *start = ref_next(ref, &full, &ref);
		if (!start || script != ref || (st == ST_RANGE) != (full >= sizeof cmd))
			abort();
		size_t kept = full < sizeof cmd ? full : sizeof cmd - 1;
		if (strlen(cmd) != kept || memcmp(cmd, start, kept) != 0)
			abort();
		if (st == ST_OK)
			check_command(cmd);
	}
	if (ref_next(ref, &(size_t){ 0 }, &ref) != NULL)
		abort();
	if (dax_check(&dax, NULL) != ST_OK)
		abort();
	return 0;
}
