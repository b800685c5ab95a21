/* SPDX-License-Identifier: BSD-2-Clause */
/* madt.c - MADT processor parser (see madt.h). */
#include "acpi/madt.h"

#include "acpi/bytes.h"
#include "acpi/sdt.h"
#include "lib/kstring.h"
#include "lib/types.h"

#define MADT_FIRST 44u /* header, local APIC address u32, flags u32 */

enum { MADT_LAPIC = 0, MADT_X2APIC = 9 };
enum { MADT_ENABLED = 1, MADT_ONLINE_CAPABLE = 2 };

static status_t madt_cpu_add(struct madt_info *m, uint32_t apic, bool x2, uint32_t flags,
			     uint32_t off, struct out *log)
{
	if (!(flags & (MADT_ENABLED | MADT_ONLINE_CAPABLE)))
		return ST_OK;
	for (uint32_t i = 0; i < m->n_cpus; i++) {
		if (m->cpus[i].apic_id == apic) {
			m->n_dup++;
			out_log(log, LOG_NOTICE,
				"MADT: firmware note: %s structure at offset 0x%x lists "
				"APIC ID 0x%x again; counted once",
				x2 ? "x2APIC" : "local APIC", off, apic);
			return ST_OK;
		}
	}
	if (m->n_cpus >= MADT_MAX_CPUS) {
		out_log(log, LOG_ERR,
			"MADT: structure at offset 0x%x: more than %u processors; table "
			"rejected",
			off, MADT_MAX_CPUS);
		return ST_RANGE;
	}
	m->cpus[m->n_cpus++] = (struct madt_cpu){ apic, x2, !(flags & MADT_ENABLED) };
	return ST_OK;
}

static status_t parse_lapic(void *ctx, const uint8_t *p, uint32_t len, uint32_t off,
			    struct out *log)
{
	(void)len;
	return madt_cpu_add(ctx, p[3], false, le32(p + 4), off, log);
}

static status_t parse_x2apic(void *ctx, const uint8_t *p, uint32_t len, uint32_t off,
			     struct out *log)
{
	(void)len;
	return madt_cpu_add(ctx, le32(p + 4), true, le32(p + 8), off, log);
}

/* Only processors are used; every other structure type is skipped silently. */
static const struct acpi_sub_type madt_types[] = {
	[MADT_LAPIC] = { .min_len = 8, .parse = parse_lapic },
	[MADT_X2APIC] = { .min_len = 16, .parse = parse_x2apic },
};

static const struct acpi_sub_walk madt_walk = {
	.sig = "APIC",
	.name = "MADT",
	.first = MADT_FIRST,
	.hdr = ACPI_SUB_HDR8,
	.types = madt_types,
	.n_types = ARRAY_SIZE(madt_types),
	.skip_note = NULL,
};

status_t madt_parse(const uint8_t *tbl, size_t len, struct madt_info *out, struct out *log)
{
	if (!out)
		return ST_INVALID;
	return acpi_table_parse(&madt_walk, tbl, len, out, sizeof *out, &out->revision, log);
}
