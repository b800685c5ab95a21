/* SPDX-License-Identifier: BSD-2-Clause */
/* fadt.c - FADT fields for power-off/reset, and the \_S5 package scan (see fadt.h). */
#include "acpi/fadt.h"

#include "acpi/bytes.h"
#include "acpi/sdt.h"
#include "lib/kstring.h"

#define FADT_V1_LEN 116u /* the ACPI 1.0 layout: the fixed part every FADT has */
#define OFF_DSDT 40u
#define OFF_SCI_INT 46u
#define OFF_PM1A_CNT 64u
#define OFF_PM1B_CNT 68u
#define OFF_PM1_CNT_LEN 89u
#define OFF_FLAGS 112u
#define OFF_RESET_REG 116u
#define OFF_RESET_VALUE 128u
#define OFF_X_DSDT 140u
#define OFF_X_PM1A_CNT 172u
#define OFF_X_PM1B_CNT 184u
#define GAS_LEN 12u
#define FLAG_RESET_REG_SUP (1u << 10)
#define FLAG_HW_REDUCED (1u << 20)

static struct acpi_gas gas_read(const uint8_t *p)
{
	return (struct acpi_gas){ p[0], p[1], p[2], p[3], le64(p + 4) };
}

/* The X_ form of a PM1 control block when it is present and in I/O space, else legacy. A
 * legacy block above 0xffff is no I/O port: none (0), reported, never truncated to one. */
static uint32_t pm1_port(const uint8_t *t, uint32_t tlen, uint32_t xoff, uint32_t legacy,
			 const char *name, struct out *log)
{
	if (tlen >= xoff + GAS_LEN) {
		struct acpi_gas g = gas_read(t + xoff);
		if (g.address && g.space_id == 1 && g.address <= 0xffff)
			return (uint32_t)g.address;
	}
	if (legacy > 0xffff) {
		out_log(log, LOG_WARN,
			"FACP: FIRMWARE BUG: %s_CNT_BLK 0x%x is not an I/O port "
			"(above 0xffff); not used",
			name, legacy);
		return 0;
	}
	return legacy;
}

status_t fadt_parse(const uint8_t *tbl, size_t len, struct fadt_info *out, struct out *log)
{
	uint32_t tlen;
	uint8_t rev;
	status_t st = acpi_table_open(tbl, len, "FACP", "FACP", FADT_V1_LEN, out, sizeof *out, log,
				      &tlen, &rev);
	if (st != ST_OK)
		return st;
	out->revision = rev;
	out->flags = le32(tbl + OFF_FLAGS);
	out->sci_int = le16(tbl + OFF_SCI_INT);
	out->hw_reduced = out->flags & FLAG_HW_REDUCED;
	out->dsdt_phys = le32(tbl + OFF_DSDT);
	if (tlen >= OFF_X_DSDT + 8 && le64(tbl + OFF_X_DSDT))
		out->dsdt_phys = le64(tbl + OFF_X_DSDT);
	out->pm1a_cnt = pm1_port(tbl, tlen, OFF_X_PM1A_CNT, le32(tbl + OFF_PM1A_CNT), "PM1a", log);
	out->pm1b_cnt = pm1_port(tbl, tlen, OFF_X_PM1B_CNT, le32(tbl + OFF_PM1B_CNT), "PM1b", log);
	out->pm1_cnt_len = tbl[OFF_PM1_CNT_LEN];
	if ((out->flags & FLAG_RESET_REG_SUP) && tlen >= OFF_RESET_VALUE + 1) {
		out->reset_supported = true;
		out->reset_reg = gas_read(tbl + OFF_RESET_REG);
		out->reset_value = tbl[OFF_RESET_VALUE];
	}
	return ST_OK;
}

/* Reads one AML integer constant at p (n bytes left); returns its size or 0. */
static size_t aml_int(const uint8_t *p, size_t n, uint64_t *v)
{
	if (n < 1)
		return 0;
	/* One line per AML integer prefix (ACPI 6.5 §20.2.3): */
	/* clang-format off */
	switch (p[0]) {
	case 0x00: *v = 0; return 1;
	case 0x01: *v = 1; return 1;
	case 0xff: *v = ~0ull; return 1;
	case 0x0a: if (n < 2) return 0; *v = p[1]; return 2;
	case 0x0b: if (n < 3) return 0; *v = le16(p + 1); return 3;
	case 0x0c: if (n < 5) return 0; *v = le32(p + 1); return 5;
	case 0x0e: if (n < 9) return 0; *v = le64(p + 1); return 9;
	default: return 0;
	}
	/* clang-format on */
}

/* Parses the package that follows "_S5_" at p (n bytes left). */
static bool s5_package(const uint8_t *p, size_t n, uint8_t *a, uint8_t *b)
{
	if (n < 3 || p[0] != 0x12)
		return false;
	size_t pkglen_bytes = 1 + (p[1] >> 6);
	if (n < 1 + pkglen_bytes + 1)
		return false;
	uint8_t count = p[1 + pkglen_bytes];
	size_t k = 2 + pkglen_bytes;
	uint64_t va, vb;
	size_t s = aml_int(p + k, n - k, &va);
	if (count < 1 || !s)
		return false;
	k += s;
	vb = va;
	if (count >= 2 && !aml_int(p + k, n - k, &vb))
		return false;
	*a = (uint8_t)(va & 7);
	*b = (uint8_t)(vb & 7);
	return true;
}

status_t dsdt_find_s5(const uint8_t *dsdt, size_t len, uint8_t *slp_typ_a, uint8_t *slp_typ_b)
{
	if (!dsdt || len < ACPI_SDT_HEADER_LEN || !slp_typ_a || !slp_typ_b)
		return ST_INVALID;
	for (size_t i = ACPI_SDT_HEADER_LEN + 1; i + 4 <= len; i++) {
		if (memcmp(dsdt + i, "_S5_", 4) != 0)
			continue;
		bool named = dsdt[i - 1] == 0x08 ||
			     (dsdt[i - 1] == '\\' && i >= ACPI_SDT_HEADER_LEN + 2 &&
			      dsdt[i - 2] == 0x08);
		if (named && s5_package(dsdt + i + 4, len - i - 4, slp_typ_a, slp_typ_b))
			return ST_OK;
	}
	return ST_NOTFOUND;
}
