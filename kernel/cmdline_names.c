/* SPDX-License-Identifier: BSD-2-Clause */
/* cmdline_names.c - unknown option names, with suggestions (see cmdline_names.h). */
#include "kernel/cmdline_names.h"

#include "lib/kstring.h"
#include "lib/suggest.h"

const char *const spmk_options[] = {
	"spmk.run",     "spmk.nohmat",      "spmk.dax_page",    "efi",
	"efi_fake_mem", "log_buf_len",      "console",          "quiet",
	"maxcpus",      "spmk.smp_nostart", "spmk.cpu_wait_ms",
};
const size_t spmk_options_count = sizeof spmk_options / sizeof spmk_options[0];

static bool name_known(const char *key, const char *const *known, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (known[i] && strcmp(key, known[i]) == 0)
			return true;
	return false;
}

unsigned cmdline_check_names(const struct cmdline *c, const char *const *known, size_t n,
			     struct out *log)
{
	unsigned unknown = 0;
	for (unsigned i = 0; i < c->count; i++) {
		const char *key = c->args[i].key;
		if (name_known(key, known, n))
			continue;
		bool seen = false;
		for (unsigned j = 0; j < i && !seen; j++)
			seen = strcmp(c->args[j].key, key) == 0;
		if (seen)
			continue;
		unknown++;
		const char *near = suggest_word(key, known, n);
		if (near)
			out_log(log, LOG_WARN,
				"cmdline: unknown option '%s' ignored (did you mean '%s'?)", key,
				near);
		else
			out_log(log, LOG_NOTICE, "cmdline: unknown option '%s' ignored", key);
	}
	return unknown;
}
