/* fuzz_cmdline.c - libFuzzer target: the command-line parser and the shell splitters.
 * Coverage: kernel/cmdline.c kernel/shell_parse.c */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kernel/cmdline.h"
#include "kernel/shell_parse.h"
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
	static const char *const known[] = { "a", "spmk.", 0 };
	cmdline_report_unknown(&c, known, &o);

	const char *script = text;
	char cmd[64];
	status_t st;
	while ((st = shell_next_command(&script, cmd, sizeof cmd)) != ST_NOTFOUND) {
		if (strlen(cmd) >= sizeof cmd)
			__builtin_trap();
		int argc;
		char *argv[SHELL_MAX_ARGS];
		if (shell_split(cmd, &argc, argv) == ST_OK && argc > SHELL_MAX_ARGS)
			__builtin_trap();
	}
	return 0;
}
