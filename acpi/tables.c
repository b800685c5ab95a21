/* SPDX-License-Identifier: BSD-2-Clause */
/* tables.c - RSDP/XSDT/RSDT discovery, lookup, listing and hex dump (see tables.h). */
#include "acpi/tables.h"

#include "acpi/bytes.h"
#include "acpi/sdt.h"
#include "lib/hexdump.h"
#include "lib/kstring.h"

#define RSDP_V1_LEN 20u
#define RSDP_V2_MIN_LEN 36u
#define FADT_DSDT 40u
#define FADT_X_DSDT 140u

static void copy_str(char *dst, const uint8_t *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? (char)src[i] : '?';
	dst[n] = '\0';
}

/* Maps and checks one table; records it. Returns the entry, or NULL (logged) if unusable. */
static struct acpi_table *table_add(struct acpi_tables *t, uint64_t phys, acpi_map_fn map,
				    void *ctx, struct out *log)
{
	if (phys == 0) {
		out_log(log, LOG_NOTICE, "ACPI: null table pointer skipped");
		return NULL;
	}
	const uint8_t *h = map(ctx, phys, ACPI_SDT_HEADER_LEN);
	if (!h) {
		out_log(log, LOG_ERR, "ACPI: table header at 0x%llx cannot be mapped",
			(unsigned long long)phys);
		return NULL;
	}
	char sig[5];
	copy_str(sig, h, 4);
	uint32_t len = le32(h + ACPI_SDT_LENGTH);
	if (len < ACPI_SDT_HEADER_LEN || len > ACPI_TABLE_MAX_LEN) {
		out_log(log, LOG_ERR,
			"ACPI: table %s at 0x%llx: length %u outside [%u, %u], skipped", sig,
			(unsigned long long)phys, len, ACPI_SDT_HEADER_LEN, ACPI_TABLE_MAX_LEN);
		return NULL;
	}
	const uint8_t *p = map(ctx, phys, len);
	if (!p) {
		out_log(log, LOG_ERR, "ACPI: table %s at 0x%llx (%u bytes) cannot be mapped", sig,
			(unsigned long long)phys, len);
		return NULL;
	}
	if (t->count >= ACPI_MAX_TABLES) {
		t->dropped++;
		out_log(log, LOG_WARN, "ACPI: more than %u tables, %s at 0x%llx not recorded",
			ACPI_MAX_TABLES, sig, (unsigned long long)phys);
		return NULL;
	}
	struct acpi_table *e = &t->t[t->count++];
	memcpy(e->sig, sig, sizeof e->sig);
	copy_str(e->oem_id, p + ACPI_SDT_OEM_ID, 6);
	copy_str(e->oem_table_id, p + ACPI_SDT_OEM_TABLE_ID, 8);
	e->revision = p[ACPI_SDT_REVISION];
	e->phys = phys;
	e->length = len;
	e->data = p;
	e->checksum_ok = acpi_sum(p, len) == 0;
	if (!e->checksum_ok)
		out_log(log, LOG_ERR,
			"ACPI: table %s at 0x%llx (%u bytes): bad checksum (sum 0x%02x), "
			"not used",
			sig, (unsigned long long)phys, len, acpi_sum(p, len));
	return e;
}

/* Validates the root table (XSDT when entry_size 8, RSDT when 4); true if usable. */
static bool root_ok(const struct acpi_table *r, const char *sig, unsigned entry_size,
		    struct out *log)
{
	if (!r)
		return false;
	if (memcmp(r->sig, sig, 4) != 0) {
		out_log(log, LOG_ERR, "ACPI: %s pointer leads to a table signed %s", sig, r->sig);
		return false;
	}
	if (!r->checksum_ok)
		return false;
	if ((r->length - ACPI_SDT_HEADER_LEN) % entry_size)
		out_log(log, LOG_WARN,
			"ACPI: FIRMWARE BUG: %s length %u leaves %u bytes after the "
			"header, not a multiple of %u; the trailing %u bytes are ignored",
			sig, r->length, r->length - ACPI_SDT_HEADER_LEN, entry_size,
			(r->length - ACPI_SDT_HEADER_LEN) % entry_size);
	return true;
}

static status_t rsdp_read(uint64_t phys, acpi_map_fn map, void *ctx, struct acpi_tables *out,
			  struct out *log, uint64_t *xsdt, uint32_t *rsdt)
{
	const uint8_t *r = map(ctx, phys, RSDP_V1_LEN);
	if (!r) {
		out_log(log, LOG_ERR, "ACPI: RSDP at 0x%llx cannot be mapped",
			(unsigned long long)phys);
		return ST_NOTFOUND;
	}
	if (memcmp(r, "RSD PTR ", 8) != 0) {
		out_log(log, LOG_ERR, "ACPI: no \"RSD PTR \" signature at 0x%llx",
			(unsigned long long)phys);
		return ST_INVALID;
	}
	if (acpi_sum(r, RSDP_V1_LEN) != 0) {
		out_log(log, LOG_ERR, "ACPI: RSDP checksum over 20 bytes is 0x%02x, not 0",
			acpi_sum(r, RSDP_V1_LEN));
		return ST_CHECKSUM;
	}
	out->rsdp_revision = r[15];
	copy_str(out->rsdp_oem_id, r + 9, 6);
	*rsdt = le32(r + 16);
	*xsdt = 0;
	if (out->rsdp_revision < 2)
		return ST_OK;
	const uint8_t *r2 = map(ctx, phys, RSDP_V2_MIN_LEN);
	uint32_t len = r2 ? le32(r2 + 20) : 0;
	if (!r2 || len < RSDP_V2_MIN_LEN || len > 4096) {
		out_log(log, LOG_ERR, "ACPI: RSDP revision %u with length %u: XSDT ignored",
			out->rsdp_revision, len);
		return ST_OK;
	}
	r2 = map(ctx, phys, len);
	if (!r2 || acpi_sum(r2, len) != 0) {
		out_log(log, LOG_ERR,
			"ACPI: RSDP extended checksum over %u bytes fails: XSDT ignored", len);
		return ST_OK;
	}
	*xsdt = le64(r2 + 24);
	return ST_OK;
}

/* Adds the DSDT named by the first good FADT. */
static void dsdt_add(struct acpi_tables *t, acpi_map_fn map, void *ctx, struct out *log)
{
	const struct acpi_table *f = acpi_find(t, "FACP");
	if (!f)
		return;
	uint64_t dsdt = 0;
	if (f->length >= FADT_X_DSDT + 8)
		dsdt = le64(f->data + FADT_X_DSDT);
	if (!dsdt && f->length >= FADT_DSDT + 4)
		dsdt = le32(f->data + FADT_DSDT);
	if (!dsdt)
		return;
	struct acpi_table *d = table_add(t, dsdt, map, ctx, log);
	if (d && memcmp(d->sig, "DSDT", 4) != 0) {
		out_log(log, LOG_ERR, "ACPI: FADT DSDT pointer 0x%llx leads to %s, dropped",
			(unsigned long long)dsdt, d->sig);
		t->count--;
	}
}

status_t acpi_discover(uint64_t rsdp_phys, acpi_map_fn map, void *ctx, struct acpi_tables *out,
		       struct out *log)
{
	if (!map || !out)
		return ST_INVALID;
	memset(out, 0, sizeof *out);
	out->rsdp_phys = rsdp_phys;
	uint64_t xsdt;
	uint32_t rsdt;
	status_t st = rsdp_read(rsdp_phys, map, ctx, out, log, &xsdt, &rsdt);
	if (st != ST_OK)
		return st;

	struct acpi_table *root = NULL;
	unsigned esize = 8;
	if (xsdt) {
		root = table_add(out, xsdt, map, ctx, log);
		if (!root_ok(root, "XSDT", 8, log)) {
			out_log(log, LOG_WARN,
				"ACPI: XSDT at 0x%llx unusable, falling back to the RSDT",
				(unsigned long long)xsdt);
			root = NULL; /* stays listed (marked) if it was recorded */
		}
	}
	if (!root && rsdt) {
		esize = 4;
		root = table_add(out, rsdt, map, ctx, log);
		if (!root_ok(root, "RSDT", 4, log))
			root = NULL;
	}
	if (!root) {
		out_log(log, LOG_ERR, "ACPI: neither XSDT nor RSDT is usable");
		return ST_TRUNCATED;
	}
	out->via_xsdt = esize == 8;
	out->root_phys = root->phys;
	const uint8_t *rp = root->data;
	uint32_t n = (root->length - ACPI_SDT_HEADER_LEN) / esize;
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *e = rp + ACPI_SDT_HEADER_LEN + (size_t)i * esize;
		table_add(out, esize == 8 ? le64(e) : le32(e), map, ctx, log);
	}
	dsdt_add(out, map, ctx, log);
	return ST_OK;
}

const struct acpi_table *acpi_find(const struct acpi_tables *tables, const char *sig)
{
	if (!tables || !sig)
		return NULL;
	for (uint32_t i = 0; i < tables->count && i < ACPI_MAX_TABLES; i++) {
		const struct acpi_table *e = &tables->t[i];
		if (e->checksum_ok && strncmp(e->sig, sig, 4) == 0 && strlen(sig) == 4)
			return e;
	}
	return NULL;
}

void acpi_print_tables(const struct acpi_tables *tables, struct out *o)
{
	out_printf(o, "RSDP 0x%016llx rev %u OEM \"%s\" -> %s\n",
		   (unsigned long long)tables->rsdp_phys, tables->rsdp_revision,
		   tables->rsdp_oem_id, tables->via_xsdt ? "XSDT" : "RSDT");
	out_printf(o, "SIG  ADDRESS            LENGTH REV OEMID  OEMTABLE CHECKSUM\n");
	for (uint32_t i = 0; i < tables->count && i < ACPI_MAX_TABLES; i++) {
		const struct acpi_table *e = &tables->t[i];
		out_printf(o, "%-4s 0x%016llx %6u %3u %-6s %-8s %s\n", e->sig,
			   (unsigned long long)e->phys, e->length, e->revision, e->oem_id,
			   e->oem_table_id, e->checksum_ok ? "ok" : "BAD");
	}
	if (tables->dropped)
		out_printf(o, "(%u more tables not recorded)\n", tables->dropped);
}

status_t acpi_dump_table(const struct acpi_tables *tables, const char *sig, struct out *o)
{
	char want[5];
	if (!sig || strlen(sig) != 4) {
		out_printf(o, "acpi dump: table signature must be 4 characters, got \"%s\"\n",
			   sig ? sig : "");
		return ST_INVALID;
	}
	for (int i = 0; i < 4; i++)
		want[i] = (sig[i] >= 'a' && sig[i] <= 'z') ? (char)(sig[i] - 32) : sig[i];
	want[4] = '\0';
	for (uint32_t i = 0; i < tables->count && i < ACPI_MAX_TABLES; i++) {
		const struct acpi_table *e = &tables->t[i];
		if (memcmp(e->sig, want, 4) != 0)
			continue;
		out_printf(o, "%s @ 0x%llx, %u bytes%s\n", e->sig, (unsigned long long)e->phys,
			   e->length, e->checksum_ok ? "" : " (BAD checksum)");
		hexdump(e->data, e->length, o);
		return ST_OK;
	}
	out_printf(o, "acpi dump: no table %s (see `acpi tables`)\n", want);
	return ST_NOTFOUND;
}
