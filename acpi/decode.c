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

/* One field: "[OFF LEN] Name : value"; false (and nothing printed) when it is outside. */
static bool field(struct dec *d, size_t off, unsigned width, const char *name)
{
	if (off > d->len || width > d->len - off)
		return false;
	uint64_t v = width == 1   ? le8(d->p + off)
		     : width == 2 ? le16(d->p + off)
		     : width == 4 ? le32(d->p + off)
				  : le64(d->p + off);
	out_printf(d->o, "[%03zX %u] %-30s : %0*llX\n", off, width, name, (int)width * 2,
		   (unsigned long long)v);
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

static void srat_struct(struct dec *d, size_t s, uint8_t type)
{
	switch (type) {
	case 0:
		out_printf(d->o, "  Processor Local APIC/SAPIC Affinity\n");
		field(d, s + 2, 1, "Proximity Domain Low(8)");
		field(d, s + 3, 1, "Apic ID");
		field(d, s + 4, 4, "Flags (decoded below)");
		out_printf(d->o, "%38s Enabled : %u\n", "", le32(d->p + s + 4) & 1);
		field(d, s + 8, 1, "Local Sapic EID");
		out_printf(d->o, "[%03zX 3] %-30s : %06X\n", s + 9, "Proximity Domain High(24)",
			   (unsigned)(le32(d->p + s + 8) >> 8));
		field(d, s + 12, 4, "Clock Domain");
		break;
	case 1:
		out_printf(d->o, "  Memory Affinity\n");
		field(d, s + 2, 4, "Proximity Domain");
		field(d, s + 8, 8, "Base Address");
		field(d, s + 16, 8, "Address Length");
		field(d, s + 28, 4, "Flags (decoded below)");
		out_printf(d->o,
			   "%38s Enabled : %u\n%38s Hot Pluggable : %u\n%38s Non-Volatile : %u\n",
			   "", le32(d->p + s + 28) & 1, "", (le32(d->p + s + 28) >> 1) & 1, "",
			   (le32(d->p + s + 28) >> 2) & 1);
		break;
	case 2:
		out_printf(d->o, "  Processor Local x2APIC Affinity\n");
		field(d, s + 4, 4, "Proximity Domain");
		field(d, s + 8, 4, "Apic ID");
		field(d, s + 12, 4, "Flags (decoded below)");
		out_printf(d->o, "%38s Enabled : %u\n", "", le32(d->p + s + 12) & 1);
		field(d, s + 16, 4, "Clock Domain");
		break;
	case 5:
		out_printf(d->o, "  Generic Initiator Affinity\n");
		field(d, s + 3, 1, "Device Handle Type");
		field(d, s + 4, 4, "Proximity Domain");
		field(d, s + 24, 4, "Flags (decoded below)");
		out_printf(d->o, "%38s Enabled : %u\n%38s Architectural Transactions : %u\n", "",
			   le32(d->p + s + 24) & 1, "", (le32(d->p + s + 24) >> 1) & 1);
		break;
	default: out_printf(d->o, "  (type %u: not decoded)\n", type);
	}
}

/* Minimum lengths of the SRAT structure types decoded (others: 2). */
static size_t srat_min_len(uint8_t type)
{
	return type == 0 ? 16 : type == 1 ? 40 : type == 2 ? 24 : type == 5 ? 32 : 2;
}

static status_t decode_srat(struct dec *d)
{
	field(d, HDR, 4, "Table Revision");
	field(d, HDR + 4, 8, "Reserved");
	for (size_t s = HDR + 12; s < d->len;) {
		if (d->len - s < 2)
			return truncated(d, s, "a structure header");
		uint8_t type = d->p[s], l = d->p[s + 1];
		out_printf(d->o, "\n");
		field(d, s, 1, "Subtable Type");
		field(d, s + 1, 1, "Length");
		if (l < srat_min_len(type) || l > d->len - s)
			return truncated(d, s, "the structure");
		srat_struct(d, s, type);
		s += l;
	}
	return ST_OK;
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

static void hmat_mpda(struct dec *d, size_t s)
{
	out_printf(d->o, "  Memory Proximity Domain Attributes\n");
	field(d, s + 8, 2, "Flags (decoded below)");
	out_printf(d->o, "%38s Initiator Proximity Domain Valid : %u\n", "",
		   le16(d->p + s + 8) & 1);
	field(d, s + 12, 4, "Attached Initiator Proximity Domain");
	field(d, s + 16, 4, "Memory Proximity Domain");
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

static void hmat_cache(struct dec *d, size_t s)
{
	out_printf(d->o, "  Memory Side Cache Information\n");
	field(d, s + 8, 4, "Memory Proximity Domain");
	field(d, s + 16, 8, "Memory Side Cache Size");
	field(d, s + 24, 4, "Cache Attributes (decoded below)");
	uint32_t a = le32(d->p + s + 24);
	out_printf(d->o,
		   "%38s Total Cache Levels : %u\n%38s Cache Level : %u\n"
		   "%38s Cache Associativity : %u\n%38s Write Policy : %u\n%38s Cache Line Size : "
		   "%u\n",
		   "", a & 0xf, "", (a >> 4) & 0xf, "", (a >> 8) & 0xf, "", (a >> 12) & 0xf, "",
		   a >> 16);
	field(d, s + 30, 2, "SMBIOS Handle #");
}

static status_t decode_hmat(struct dec *d)
{
	field(d, HDR, 4, "Reserved");
	for (size_t s = HDR + 4; s < d->len;) {
		if (d->len - s < 8)
			return truncated(d, s, "a structure header");
		uint16_t type = le16(d->p + s);
		uint32_t l = le32(d->p + s + 4);
		out_printf(d->o, "\n");
		field(d, s, 2, "Structure Type");
		field(d, s + 4, 4, "Length");
		size_t min = type == 0 ? 40 : type == 1 ? 32 : type == 2 ? 32 : 8;
		if (l < min || l > d->len - s)
			return truncated(d, s, "the structure");
		if (type == 0)
			hmat_mpda(d, s);
		else if (type == 1 && hmat_sllbi(d, s, l) != ST_OK)
			return ST_TRUNCATED;
		else if (type == 2)
			hmat_cache(d, s);
		else if (type > 2)
			out_printf(d->o, "  (type %u: not decoded)\n", type);
		s += l;
	}
	return ST_OK;
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
