/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_cmdline.c - libFuzzer target: the command-line parser (every occurrence of a key, the
 * comma items of a value), option-name suggestions, the shell splitters, option parsing and
 * size echo.
 * Coverage: kernel/cmdline.c kernel/cmdline_names.c kernel/shell/shell_parse.c lib/suggest.c */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kernel/cmdline.h"
#include "kernel/cmdline_names.h"
#include "kernel/shell/shell_parse.h"
#include "tests/fuzz/fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cmdline c;
	char text[4096];
	struct out o = fuzz_out;
	if (size >= sizeof text)
		size = sizeof text - 1;
	memcpy(text, data, size);
	text[size] = '\0';
	cmdline_parse(text, &c, &o);
	for (unsigned i = 0; i < c.count; i++)
		if (!c.args[i].key || strlen(c.args[i].key) >= CMDLINE_BUF)
			__builtin_trap();
	cmdline_check_names(&c, spmk_options, spmk_options_count, &o);
	/* every occurrence of every key is found, in order, and each value's list items tile it */
	for (unsigned i = 0; i < c.count; i++) {
		unsigned pos = 0, seen = 0;
		const char *v;
		while ((v = cmdline_next(&c, c.args[i].key, &pos))) {
			if (pos == 0 || pos > c.count || strcmp(c.args[pos - 1].key, c.args[i].key))
				__builtin_trap();
			seen += pos - 1 == i;
			const char *cur = v, *item = 0;
			size_t len = 0, total = 0, items = 0;
			while (cmdline_list_next(&cur, &item, &len)) {
				if (item != v + total ||
				    !cmdline_item_is(item, len, "") != (len > 0))
					__builtin_trap();
				total += len + 1;
				items++;
			}
			if (total != strlen(v) + 1 || items == 0)
				__builtin_trap();
		}
		if (seen != 1)
			__builtin_trap();
	}

	const char *script = text;
	char cmd[64];
	status_t st;
	while ((st = shell_next_command(&script, cmd, sizeof cmd)) != ST_NOTFOUND) {
		if (strlen(cmd) >= sizeof cmd)
			__builtin_trap();
		int argc;
		char *argv[SHELL_MAX_ARGS];
		if (shell_split(cmd, &argc, argv) != ST_OK)
			continue;
		if (argc > SHELL_MAX_ARGS)
			__builtin_trap();
		for (int i = 0; i < argc;) {
			const char *v;
			int before = i;
			if (!shell_opt_value(argc, argv, &i, "size", 's', &v))
				i++;
			if (i <= before || i > argc)
				__builtin_trap();
			char echo[48];
			shell_size_echo(argv[before], 4096, echo, sizeof echo);
			if (strlen(echo) >= sizeof echo)
				__builtin_trap();
		}
	}
	return 0;
}
