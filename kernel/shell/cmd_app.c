/* SPDX-License-Identifier: BSD-2-Clause */
/* cmd_app.c - `app list` and `app run NAME [ARGS...]` (docs/apps.md).
 *
 *   app list               one line per boot module: name, bytes, segments, entry, or why it
 *                          cannot run
 *   app run NAME [ARGS]    runs the app in ring 3 and waits; Ctrl-C ends it (checked at each
 *                          system call); prints "app NAME: exit status N" (0: success), or the
 *                          report of the fault that ended it (one error line) */
#include "kernel/shell/commands.h"

#include "kernel/app.h"
#include "kernel/printk.h"
#include "kernel/shell/shell.h"
#include "kernel/shell/shell_parse.h"
#include "lib/kstring.h"

static int cmd_app_list(int argc, char **argv)
{
	(void)argc, (void)argv;
	unsigned n = app_image_count();
	if (n == 0)
		kprintf("no apps (the boot volume has no \\spmk\\apps\\*.elf)\n");
	for (unsigned i = 0; i < n; i++) {
		const struct app_image *img = app_image_get(i);
		if (img->valid)
			kprintf("%-12s %8lu bytes  %u segments  [0x%lx-0x%lx)  entry 0x%lx\n",
				img->name, img->size, img->elf.nseg, img->elf.vmin, img->elf.vmax,
				img->elf.entry);
		else
			kprintf("%-12s %8lu bytes  rejected at boot (see dmesg)\n", img->name,
				img->size);
	}
	return 0;
}

/* `app run NAME` and every argument an app may receive fit one shell command */
_Static_assert(SHELL_MAX_ARGS >= 2 + APP_ARGS_MAX, "shell words below the app's arguments");
_Static_assert(SHELL_LINE_MAX >= 8 + APP_ARGS_BYTES + 2 * APP_ARGS_MAX, "shell line too short");

static int cmd_app_run(int argc, char **argv)
{
	if (argc < 3)
		return shell_arg_missing(argc);
	const struct app_image *img = app_image_find(argv[2]);
	if (!img)
		return shell_error("no app '%s' (see 'app list')", argv[2]);
	if (!img->valid)
		return shell_error("app '%s' was rejected at boot (see dmesg)", argv[2]);
	/* refusals the app's system calls meet are error values for the app: log them as lines */
	shell_log_explanations();
	enum app_end end;
	int status;
	char reason[192];
	size_t bytes = 0;
	for (int i = 2; i < argc; i++)
		bytes += strlen(argv[i]) + 1;
	if (argc - 2 > APP_ARGS_MAX || bytes > APP_ARGS_BYTES)
		return shell_arg_error("%d arguments of %zu bytes (the name and NULs included): an "
				       "app takes at most %u arguments of %u bytes in all",
				       argc - 3, bytes, APP_ARGS_MAX - 1, APP_ARGS_BYTES);
	status_t st = app_run(img, argc - 2, argv + 2, &end, &status, reason, sizeof reason);
	if (st != ST_OK)
		return shell_error("cannot start %s: %s", img->name, status_str(st));
	switch (end) {
	case APP_EXITED:
		kprintf("app %s: exit status %d\n", img->name, status);
		return status ? shell_error("%s exited with status %d", img->name, status) : 0;
	case APP_INTERRUPTED: return shell_error("%s stopped by Ctrl-C", img->name);
	case APP_FAULTED:
	case APP_KILLED:
	default: return shell_error("%s ended: %s", img->name, reason);
	}
}

const struct shell_sub app_subs[] = {
	{ "list", "", "the apps loaded at boot (\\spmk\\apps\\*.elf on the boot volume)", 0,
	  "app list", cmd_app_list },
	{ "run", "NAME [ARG...]", "run an app in ring 3 and wait for it (Ctrl-C ends it)",
	  "NAME  an app of 'app list'\nARG   its arguments (memprobe: --json, --size BYTES, ...)",
	  "app run memprobe", cmd_app_run },
	{ 0, 0, 0, 0, 0, 0 },
};
