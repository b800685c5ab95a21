/* SPDX-License-Identifier: BSD-2-Clause */
/* boot_options.c - the discovery pipeline's boot options from the command line (see
 * boot_options.h). */
#include "kernel/boot_options.h"

#include "lib/kstring.h"

/* Every value of key, in order, into v[] (at most DISCOVER_OPTS_MAX, the command line's own
 * argument limit); returns the count. */
static unsigned collect(const struct cmdline *c, const char *key, const char **v)
{
	unsigned n = 0;
	const char *val;
	for (unsigned pos = 0; n < DISCOVER_OPTS_MAX && (val = cmdline_next(c, key, &pos));)
		v[n++] = val;
	return n;
}

static bool nohmat_device(const struct cmdline *c, struct out *log)
{
	bool device = false;
	const char *v, *item = 0;
	size_t len = 0;
	for (unsigned pos = 0; (v = cmdline_next(c, "spmk.nohmat", &pos));) {
		while (cmdline_list_next(&v, &item, &len)) {
			if (cmdline_item_is(item, len, "device"))
				device = true;
			else
				out_log(log, LOG_WARN,
					"cmdline: spmk.nohmat=%.*s not understood (known: device); "
					"ignored",
					(int)len, item);
		}
	}
	return device;
}

void boot_options_discover(const struct cmdline *c, uint8_t maxphyaddr, struct discover_options *o,
			   struct out *log)
{
	memset(o, 0, sizeof *o);
	o->n_efi_fake_mem = collect(c, "efi_fake_mem", o->efi_fake_mem);
	o->n_efi = collect(c, "efi", o->efi);
	o->maxphyaddr = maxphyaddr;
	o->nohmat_device = nohmat_device(c, log);
}
