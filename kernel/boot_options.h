/* SPDX-License-Identifier: BSD-2-Clause */
/* boot_options.h - the boot options of the discovery pipeline (mm/discover.h), read from the
 * kernel command line. Pure: compiled for the kernel and the host (fuzz_discover uses it, so
 * the host reads options exactly as the kernel does). Options and their repeat rules:
 * docs/kernel.md. */
#ifndef SPMK_KERNEL_BOOT_OPTIONS_H
#define SPMK_KERNEL_BOOT_OPTIONS_H

#include <stdint.h>

#include "kernel/cmdline.h"
#include "mm/discover.h"

/* Fills *o from c: every efi_fake_mem= and efi= occurrence in order (values point into c),
 * spmk.nohmat= in every occurrence as a comma list (true when one item says "device"; every
 * other item is reported at LOG_WARN and ignored), and maxphyaddr (physical address bits,
 * CPUID 0x80000008; 0 means the normaliser's 52). Cannot fail. */
void boot_options_discover(const struct cmdline *c, uint8_t maxphyaddr, struct discover_options *o,
			   struct out *log);

#endif
