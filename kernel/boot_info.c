/* SPDX-License-Identifier: BSD-2-Clause */
/* boot_info.c - validation of the structure the loader hands over (docs/boot-protocol.md). */
#include "kernel/boot_info_validate.h"

#include "lib/kstring.h"

status_t boot_info_validate(const struct boot_info *bi, struct out *log)
{
	if (bi->magic != BOOT_INFO_MAGIC) {
		out_log(log, LOG_ERR, "boot_info: bad magic 0x%lx (want 0x%llx)",
			(unsigned long)bi->magic, BOOT_INFO_MAGIC);
		return ST_INVALID;
	}
	if (bi->version != BOOT_INFO_VERSION) {
		out_log(log, LOG_ERR, "boot_info: version %u, this kernel knows %u", bi->version,
			BOOT_INFO_VERSION);
		return ST_UNSUPPORTED;
	}
	if (bi->size < sizeof(struct boot_info)) {
		out_log(log, LOG_ERR, "boot_info: size %u smaller than %zu", bi->size,
			sizeof(struct boot_info));
		return ST_TRUNCATED;
	}
	if (bi->desc_size < 40 || bi->desc_size % 8) {
		out_log(log, LOG_ERR,
			"boot_info: memory descriptor size %u (need >= 40, multiple of 8)",
			bi->desc_size);
		return ST_INVALID;
	}
	if (bi->memmap_size % bi->desc_size || bi->memmap_size > bi->memmap_capacity ||
	    bi->memmap_size == 0) {
		out_log(log, LOG_ERR,
			"boot_info: memory map of %lu bytes, capacity %lu, descriptor %u",
			(unsigned long)bi->memmap_size, (unsigned long)bi->memmap_capacity,
			bi->desc_size);
		return ST_INVALID;
	}
	uint64_t want = bi->memmap_capacity / 40 * BOOT_SCRATCH_PER_DESC + BOOT_SCRATCH_FIXED;
	if (bi->scratch_phys % 4096 || bi->scratch_size < want) {
		out_log(log, LOG_ERR,
			"boot_info: scratch of %lu bytes at 0x%lx (need %lu, page-aligned, "
			"for a memory-map buffer of %lu bytes)",
			(unsigned long)bi->scratch_size, (unsigned long)bi->scratch_phys,
			(unsigned long)want, (unsigned long)bi->memmap_capacity);
		return ST_INVALID;
	}
	if (strnlen(bi->cmdline, BOOT_CMDLINE_MAX) != bi->cmdline_len ||
	    bi->cmdline_len >= BOOT_CMDLINE_MAX) {
		out_log(log, LOG_ERR, "boot_info: command line length %u does not match its text",
			bi->cmdline_len);
		return ST_INVALID;
	}
	if (bi->kernel_size == 0 || bi->kernel_phys % 4096 || bi->kernel_virt < KERNEL_VIRT_BASE) {
		out_log(log, LOG_ERR,
			"boot_info: kernel at phys 0x%lx virt 0x%lx size %lu is not sane",
			(unsigned long)bi->kernel_phys, (unsigned long)bi->kernel_virt,
			(unsigned long)bi->kernel_size);
		return ST_INVALID;
	}
	if (bi->module_count > BOOT_MODULES_MAX) {
		out_log(log, LOG_ERR, "boot_info: %u modules, at most %u", bi->module_count,
			BOOT_MODULES_MAX);
		return ST_INVALID;
	}
	for (uint32_t i = 0; i < bi->module_count; i++)
		if (strnlen(bi->modules[i].name, BOOT_MODULE_NAME) == BOOT_MODULE_NAME) {
			out_log(log, LOG_ERR, "boot_info: module %u has no NUL-terminated name", i);
			return ST_INVALID;
		}
	return ST_OK;
}

uint32_t boot_info_desc_count(const struct boot_info *bi)
{
	return (uint32_t)(bi->memmap_size / bi->desc_size);
}
