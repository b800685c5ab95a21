/* SPDX-License-Identifier: BSD-2-Clause */
/* acpidump.c - tables in acpidump's text format (see acpidump.h). */
#include "acpi/acpidump.h"

#include "lib/kstring.h"

void acpidump_table(const struct acpi_table *e, struct out *o)
{
	static const char hex[] = "0123456789ABCDEF";
	out_printf(o, "%s @ 0x%016llX\n", e->sig, (unsigned long long)e->phys);
	for (uint32_t off = 0; off < e->length; off += 16) {
		char line[96];
		size_t n = 0;
		uint32_t k = e->length - off < 16 ? e->length - off : 16;
		line[n++] = ' ', line[n++] = ' ', line[n++] = ' ', line[n++] = ' ';
		for (int s = 12; s >= 0; s -= 4)
			line[n++] = hex[(off >> s) & 0xf];
		line[n++] = ':';
		line[n++] = ' ';
		for (uint32_t i = 0; i < 16; i++) {
			line[n++] = i < k ? hex[e->data[off + i] >> 4] : ' ';
			line[n++] = i < k ? hex[e->data[off + i] & 0xf] : ' ';
			line[n++] = ' ';
		}
		line[n++] = ' ';
		for (uint32_t i = 0; i < k; i++) {
			uint8_t c = e->data[off + i];
			line[n++] = c >= 0x20 && c < 0x7f ? (char)c : '.';
		}
		line[n++] = '\n';
		out_write(o, line, n);
	}
	out_write(o, "\n", 1);
}

status_t acpidump_tables(const struct acpi_tables *tables, const char *sig, struct out *o)
{
	char want[5] = { 0 };
	if (sig) {
		if (strlen(sig) != 4)
			return ST_INVALID;
		for (int i = 0; i < 4; i++)
			want[i] = (sig[i] >= 'a' && sig[i] <= 'z') ? (char)(sig[i] - 32) : sig[i];
	}
	bool any = false;
	for (uint32_t i = 0; i < tables->count && i < ACPI_MAX_TABLES; i++) {
		const struct acpi_table *e = &tables->t[i];
		if (sig && memcmp(e->sig, want, 4) != 0)
			continue;
		acpidump_table(e, o);
		any = true;
	}
	return any ? ST_OK : ST_NOTFOUND;
}
