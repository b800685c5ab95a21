/* SPDX-License-Identifier: BSD-2-Clause */
/* decode.c - SRAT, SLIT, HMAT field by field (see decode.h). */
#include "acpi/decode.h"

#include "acpi/bytes.h"
#include "lib/kstring.h"

#define HDR 36 /* ACPI 6.5 §5.2.6 system description table header */

struct dec {
	const uint8_t *p;
	size_t len;
	struct out *o;
};

/* An unsigned little-endian value of width bytes (1..8) at p. */
static uint64_t le_n(const uint8_t *p, unsigned width)
{
	uint64_t v = 0;
	for (unsigned i = width; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

/* One field: "[OFF LEN] Name : value"; false (and nothing printed) when it is outside. */
static bool field(struct dec *d, size_t off, unsigned width, const char *name)
{
	if (off > d->len || width > d->len - off)
		return false;
	out_printf(d->o, "[%03zX %u] %-30s : %0*llX\n", off, width, name, (int)width * 2,
		   (unsigned long long)le_n(d->p + off, width));
	return true;
}

static void header(struct dec *d)
{
	const uint8_t *p = d->p;
	out_printf(d->o, "[000 4] %-30s : \"%.4s\"\n", "Signature", (const char *)p);
	field(d, 4, 4, "Table Length");
	field(d, 8, 1, "Revision");
	field(d, 9, 1, "Checksum");
	out_printf(d->o, "[00A 6] %-30s : \"%.6s\"\n", "Oem ID", (const char *)p + 10);
	out_printf(d->o, "[010 8] %-30s : \"%.8s\"\n", "Oem Table ID", (const char *)p + 16);
	field(d, 24, 4, "Oem Revision");
	out_printf(d->o, "[01C 4] %-30s : \"%.4s\"\n", "Asl Compiler ID", (const char *)p + 28);
	field(d, 32, 4, "Asl Compiler Revision");
}

static status_t truncated(struct dec *d, size_t off, const char *what)
{
	out_printf(d->o, "[%03zX] %s runs past the table end (length %zu): decode stops\n", off,
		   what, d->len);
	return ST_TRUNCATED;
}

/* One line of a subtable's decode. nbits 0: the field [off, off + width) of the subtable;
 * else nbits bits from bit shift of that field (a flag or count decoded under it). */
struct item {
	uint8_t off, width, shift, nbits;
	const char *name;
};

/* How one subtable type is shown: a title, then its items in order (up to a NULL name). */
struct layout {
	const char *title;
	struct item items[10];
};

/* The subtable at offset s shown as l says; its length covers every item (the walker has
 * checked it against the type's minimum). */
static void show(struct dec *d, size_t s, const struct layout *l)
{
	out_printf(d->o, "  %s\n", l->title);
	for (const struct item *it = l->items; it->name; it++) {
		if (!it->nbits) {
			field(d, s + it->off, it->width, it->name);
			continue;
		}
		uint64_t v = le_n(d->p + s + it->off, it->width) >> it->shift;
		out_printf(d->o, "%38s %s : %u\n", "", it->name,
			   (unsigned)(v & ((1ull << it->nbits) - 1)));
	}
}

/* ACPI 6.5 §5.2.16.1, .2, .3, .6 */
static const struct layout srat_apic = { "Processor Local APIC/SAPIC Affinity",
					 { { 2, 1, 0, 0, "Proximity Domain Low(8)" },
					   { 3, 1, 0, 0, "Apic ID" },
					   { 4, 4, 0, 0, "Flags (decoded below)" },
					   { 4, 4, 0, 1, "Enabled" },
					   { 8, 1, 0, 0, "Local Sapic EID" },
					   { 9, 3, 0, 0, "Proximity Domain High(24)" },
					   { 12, 4, 0, 0, "Clock Domain" } } };
static const struct layout srat_memory = { "Memory Affinity",
					   { { 2, 4, 0, 0, "Proximity Domain" },
					     { 8, 8, 0, 0, "Base Address" },
					     { 16, 8, 0, 0, "Address Length" },
					     { 28, 4, 0, 0, "Flags (decoded below)" },
					     { 28, 4, 0, 1, "Enabled" },
					     { 28, 4, 1, 1, "Hot Pluggable" },
					     { 28, 4, 2, 1, "Non-Volatile" } } };
static const struct layout srat_x2apic = { "Processor Local x2APIC Affinity",
					   { { 4, 4, 0, 0, "Proximity Domain" },
					     { 8, 4, 0, 0, "Apic ID" },
					     { 12, 4, 0, 0, "Flags (decoded below)" },
					     { 12, 4, 0, 1, "Enabled" },
					     { 16, 4, 0, 0, "Clock Domain" } } };
static const struct layout srat_gi = { "Generic Initiator Affinity",
				       { { 3, 1, 0, 0, "Device Handle Type" },
					 { 4, 4, 0, 0, "Proximity Domain" },
					 { 24, 4, 0, 0, "Flags (decoded below)" },
					 { 24, 4, 0, 1, "Enabled" },
					 { 24, 4, 1, 1, "Architectural Transactions" } } };

/* ACPI 6.5 §5.2.28.2, §5.2.28.5 (type 1, §5.2.28.4, is hmat_sllbi) */
static const struct layout hmat_mpda = { "Memory Proximity Domain Attributes",
					 { { 8, 2, 0, 0, "Flags (decoded below)" },
					   { 8, 2, 0, 1, "Initiator Proximity Domain Valid" },
					   { 12, 4, 0, 0, "Attached Initiator Proximity Domain" },
					   { 16, 4, 0, 0, "Memory Proximity Domain" } } };
static const struct layout hmat_cache = { "Memory Side Cache Information",
					  { { 8, 4, 0, 0, "Memory Proximity Domain" },
					    { 16, 8, 0, 0, "Memory Side Cache Size" },
					    { 24, 4, 0, 0, "Cache Attributes (decoded below)" },
					    { 24, 4, 0, 4, "Total Cache Levels" },
					    { 24, 4, 4, 4, "Cache Level" },
					    { 24, 4, 8, 4, "Cache Associativity" },
					    { 24, 4, 12, 4, "Write Policy" },
					    { 24, 4, 16, 16, "Cache Line Size" },
					    { 30, 2, 0, 0, "SMBIOS Handle #" } } };

/* The subtable types a table's walk knows: a layout, its minimum length (bytes), or a
 * decoder of its own (which may stop the decode). */
struct sub_type {
	const struct layout *layout;
	status_t (*decode)(struct dec *d, size_t s, size_t len);
	uint32_t min_len;
};

/* How a table lays out its subtables (SRAT: u8 type, u8 length; HMAT: u16 type, u16
 * reserved, u32 length) and the types it decodes, indexed by type. */
struct sub_walk {
	size_t first, hdr;     /* bytes: offset of the first subtable, header size */
	unsigned type_width;   /* bytes of the type field, at the start */
	size_t len_off;        /* offset of the length field in the header */
	unsigned len_width;    /* its bytes */
	const char *type_name; /* "Subtable Type", "Structure Type" */
	const struct sub_type *types;
	unsigned n_types;
};

/* Every subtable from w->first on: its header, its length checked against the bytes left and
 * its type's minimum (the header size for a type not decoded), then its decode. */
static status_t walk(struct dec *d, const struct sub_walk *w)
{
	for (size_t s = w->first; s < d->len;) {
		if (d->len - s < w->hdr)
			return truncated(d, s, "a structure header");
		uint64_t type = le_n(d->p + s, w->type_width);
		uint64_t l = le_n(d->p + s + w->len_off, w->len_width);
		const struct sub_type *t = type < w->n_types ? &w->types[type] : NULL;
		if (t && !t->min_len)
			t = NULL;
		out_printf(d->o, "\n");
		field(d, s, w->type_width, w->type_name);
		field(d, s + w->len_off, w->len_width, "Length");
		if (l < (t ? t->min_len : w->hdr) || l > d->len - s)
			return truncated(d, s, "the structure");
		if (!t)
			out_printf(d->o, "  (type %u: not decoded)\n", (unsigned)type);
		else if (t->layout)
			show(d, s, t->layout);
		else if (t->decode(d, s, l) != ST_OK)
			return ST_TRUNCATED;
		s += l;
	}
	return ST_OK;
}

static status_t decode_srat(struct dec *d)
{
	static const struct sub_type types[] = {
		[0] = { &srat_apic, NULL, 16 },
		[1] = { &srat_memory, NULL, 40 },
		[2] = { &srat_x2apic, NULL, 24 },
		[5] = { &srat_gi, NULL, 32 },
	};
	static const struct sub_walk w = { .first = HDR + 12,
					   .hdr = 2,
					   .type_width = 1,
					   .len_off = 1,
					   .len_width = 1,
					   .type_name = "Subtable Type",
					   .types = types,
					   .n_types = sizeof types / sizeof types[0] };
	field(d, HDR, 4, "Table Revision");
	field(d, HDR + 4, 8, "Reserved");
	return walk(d, &w);
}

static status_t decode_slit(struct dec *d)
{
	if (!field(d, HDR, 8, "Localities"))
		return truncated(d, HDR, "the locality count");
	uint64_t n = le64(d->p + HDR);
	if (n > 256 || n * n > d->len - HDR - 8)
		return truncated(d, HDR + 8, "the distance matrix");
	for (uint64_t i = 0; i < n; i++) {
		out_printf(d->o, "    Locality %3llu : ", (unsigned long long)i);
		for (uint64_t j = 0; j < n; j++)
			out_printf(d->o, "%02X ", d->p[HDR + 8 + i * n + j]);
		out_printf(d->o, "\n");
	}
	return ST_OK;
}

static const char *sllbi_type(uint8_t t)
{
	static const char *const n[] = { "Access Latency",   "Read Latency",   "Write Latency",
					 "Access Bandwidth", "Read Bandwidth", "Write Bandwidth" };
	return t < 6 ? n[t] : "unknown";
}

static status_t hmat_sllbi(struct dec *d, size_t s, size_t l)
{
	out_printf(d->o, "  System Locality Latency and Bandwidth Information\n");
	field(d, s + 8, 1, "Flags (memory hierarchy)");
	field(d, s + 9, 1, "Data Type");
	out_printf(d->o, "%38s %s (%s)\n", "", sllbi_type(d->p[s + 9]),
		   d->p[s + 9] < 3 ? "picoseconds x base unit" : "MB/s x base unit");
	field(d, s + 10, 1, "Minimum Transfer Size");
	field(d, s + 12, 4, "Initiator Proximity Domains #");
	field(d, s + 16, 4, "Target Proximity Domains #");
	field(d, s + 24, 8, "Entry Base Unit");
	uint64_t ni = le32(d->p + s + 12), nt = le32(d->p + s + 16);
	uint64_t need = 32 + 4 * (ni + nt) + 2 * ni * nt;
	if (ni > 0x10000 || nt > 0x10000 || need > l)
		return truncated(d, s, "the latency/bandwidth lists");
	size_t off = s + 32;
	for (uint64_t i = 0; i < ni; i++, off += 4)
		field(d, off, 4, "Initiator Proximity Domain");
	for (uint64_t t = 0; t < nt; t++, off += 4)
		field(d, off, 4, "Target Proximity Domain");
	for (uint64_t i = 0; i < ni; i++) {
		for (uint64_t t = 0; t < nt; t++, off += 2) {
			out_printf(d->o,
				   "[%03zX 2] Entry (initiator %llu, target %llu)%*s : %04X\n", off,
				   (unsigned long long)i, (unsigned long long)t, 4, "",
				   le16(d->p + off));
		}
	}
	return ST_OK;
}

static status_t decode_hmat(struct dec *d)
{
	static const struct sub_type types[] = {
		[0] = { &hmat_mpda, NULL, 40 },
		[1] = { NULL, hmat_sllbi, 32 },
		[2] = { &hmat_cache, NULL, 32 },
	};
	static const struct sub_walk w = { .first = HDR + 4,
					   .hdr = 8,
					   .type_width = 2,
					   .len_off = 4,
					   .len_width = 4,
					   .type_name = "Structure Type",
					   .types = types,
					   .n_types = sizeof types / sizeof types[0] };
	field(d, HDR, 4, "Reserved");
	return walk(d, &w);
}

status_t acpi_decode(const uint8_t *data, size_t len, struct out *o)
{
	struct dec d = { data, len, o };
	bool srat = len >= 4 && memcmp(data, "SRAT", 4) == 0;
	bool slit = len >= 4 && memcmp(data, "SLIT", 4) == 0;
	bool hmat = len >= 4 && memcmp(data, "HMAT", 4) == 0;
	if (!srat && !slit && !hmat)
		return ST_UNSUPPORTED;
	if (len < HDR)
		return truncated(&d, 0, "the table header");
	header(&d);
	return srat ? decode_srat(&d) : slit ? decode_slit(&d) : decode_hmat(&d);
}
