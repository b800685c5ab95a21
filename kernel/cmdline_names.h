/* SPDX-License-Identifier: BSD-2-Clause */
/* cmdline_names.h - checking option names against the known ones, with "did you mean".
 *
 * Every option spmk reads is listed by exact name (no `spmk.*` wildcard), so a misspelled
 * `spmk.nohmta=device` is reported instead of silently ignored. */
#ifndef SPMK_KERNEL_CMDLINE_NAMES_H
#define SPMK_KERNEL_CMDLINE_NAMES_H

#include "kernel/cmdline.h"

/* Every option name spmk reads (docs/shell.md "Boot options"), and how many. */
extern const char *const spmk_options[];
extern const size_t spmk_options_count;

/* Reports, once per distinct name, each option of c whose name is not in known (n names):
 * "cmdline: unknown option 'NAME' ignored" at LOG_NOTICE, or at LOG_WARN with
 * " (did you mean 'KNOWN'?)" when a known name is within typo distance (lib/suggest.h).
 * Returns how many distinct unknown names there were. */
unsigned cmdline_check_names(const struct cmdline *c, const char *const *known, size_t n,
			     struct out *log);

#endif
