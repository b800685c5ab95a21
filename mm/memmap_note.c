/* SPDX-License-Identifier: BSD-2-Clause */
/* memmap_note.c - the normaliser's per-descriptor findings, loud and exact but bounded: the
 * first MEMMAP_NOTE_LINES of each kind in full, then one summary line per kind with the total
 * count and the bytes involved (mm/memmap.h, enum memmap_note). A firmware map with 2,000
 * overlapping descriptors used to print 2,000 lines (0.8 s on a serial console). */
#include "mm/memmap_internal.h"

#include <stdarg.h>

#define U(x) ((unsigned long long)(x))

static const struct {
	int level;
	const char *prefix, *what, *bytes;
} note_kinds[MEMMAP_NOTE_KINDS] = {
	[MEMMAP_NOTE_OVERLAP] = { LOG_WARN, "FIRMWARE BUG: ", "overlaps", "they share" },
	[MEMMAP_NOTE_DROPPED] = { LOG_WARN, "FIRMWARE BUG: ", "descriptors dropped",
				  "they describe" },
	[MEMMAP_NOTE_ROUNDED] = { LOG_WARN, "", "pieces rounded to whole pages",
				  "rounding changed" },
	[MEMMAP_NOTE_UNKNOWN] = { LOG_NOTICE, "", "descriptors of unknown type", "they describe" },
	[MEMMAP_NOTE_FAKE] = { LOG_INFO, "efi_fake_mem: ", "pieces changed", "they hold" },
	[MEMMAP_NOTE_NOSR] = { LOG_INFO, "efi=nosoftreserve: ", "SP ranges used as RAM",
			       "they hold" },
};

void memmap_note(struct memmap *m, struct out *log, enum memmap_note k, int level, uint64_t bytes,
		 const char *fmt, ...)
{
	uint64_t *sum = &m->stats.note_bytes[k];
	*sum = *sum + bytes < *sum ? UINT64_MAX : *sum + bytes;
	if (++m->stats.notes[k] > MEMMAP_NOTE_LINES)
		return;
	va_list ap;
	va_start(ap, fmt);
	out_vlog(log, level, fmt, ap);
	va_end(ap);
}

void memmap_note_summary(const struct memmap *m, struct out *log)
{
	for (unsigned k = 0; k < MEMMAP_NOTE_KINDS; k++) {
		uint32_t n = m->stats.notes[k];
		if (n <= MEMMAP_NOTE_LINES)
			continue;
		uint64_t bytes = m->stats.note_bytes[k];
		out_log(log, note_kinds[k].level,
			"memmap: %s%u %s in all, %u more not shown above; %s 0x%llx bytes (%llu "
			"KiB)",
			note_kinds[k].prefix, n, note_kinds[k].what, n - MEMMAP_NOTE_LINES,
			note_kinds[k].bytes, U(bytes), U(bytes >> 10));
	}
}
