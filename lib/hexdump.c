/* SPDX-License-Identifier: BSD-2-Clause */
/* hexdump.c - see hexdump.h. */
#include "lib/hexdump.h"

void hexdump(const uint8_t *p, size_t n, struct out *o)
{
	static const char hex[] = "0123456789abcdef";
	char line[80];
	for (size_t off = 0; off < n; off += 16) {
		size_t k = 0;
		for (int s = 28; s >= 0; s -= 4)
			line[k++] = hex[(off >> s) & 0xf];
		line[k++] = ' ';
		for (size_t i = 0; i < 16; i++) {
			if (i == 8)
				line[k++] = ' ';
			line[k++] = ' ';
			if (off + i < n) {
				line[k++] = hex[p[off + i] >> 4];
				line[k++] = hex[p[off + i] & 0xf];
			} else {
				line[k++] = ' ';
				line[k++] = ' ';
			}
		}
		line[k++] = ' ';
		line[k++] = ' ';
		line[k++] = '|';
		for (size_t i = 0; i < 16 && off + i < n; i++) {
			uint8_t c = p[off + i];
			line[k++] = (c >= 0x20 && c < 0x7f) ? (char)c : '.';
		}
		line[k++] = '|';
		line[k++] = '\n';
		out_write(o, line, k);
	}
	out_printf(o, "%08zx\n", n);
}
