/* shell.h - the serial-console shell: line editing, command table, scripts.
 *
 * A command is a function taking argc/argv and returning 0 on success or 1 on failure (having
 * printed why). Every command runs with fault recovery armed, so a fault inside one (an
 * ownership violation, a bug) ends that command with an error and the shell goes on. */
#ifndef SPMK_KERNEL_SHELL_H
#define SPMK_KERNEL_SHELL_H

struct shell_cmd {
	const char *name;
	const char *usage;
	const char *help;
	int (*fn)(int argc, char **argv);
};

/* The command table (kernel/commands.c), ended by an entry with name NULL. */
extern const struct shell_cmd shell_commands[];

/* Runs one command line; returns the command's result (or 1 for parse errors/unknown). */
int shell_run_line(const char *line);
/* Runs a `;`-separated script (spmk.run=); returns how many commands failed. */
int shell_run_script(const char *script);
/* The interactive loop on the serial console. Never returns. */
__attribute__((noreturn)) void shell_loop(void);

/* Helpers for commands: print "NAME: usage: USAGE" and return 1. */
int shell_usage(const char *name);

#endif
