/* SPDX-License-Identifier: BSD-2-Clause */
/* boot_info_validate.h - checks the kernel makes on struct boot_info before trusting it. */
#ifndef SPMK_KERNEL_BOOT_INFO_CHECK_H
#define SPMK_KERNEL_BOOT_INFO_CHECK_H

#include "boot/boot_info.h"
#include "lib/out.h"
#include "lib/status.h"

/* ST_OK when magic, version, size, descriptor size, memory-map size, command line and kernel
 * placement are consistent; otherwise one line saying which field and its value. */
status_t boot_info_validate(const struct boot_info *bi, struct out *log);
uint32_t boot_info_desc_count(const struct boot_info *bi);

#endif
