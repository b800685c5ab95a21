/* SPDX-License-Identifier: BSD-2-Clause */
/* memmap_internal.h - what the normaliser's files share: the bounded report of per-descriptor
 * findings (mm/memmap_note.c). Not for users of the map (they use mm/memmap.h). */
#ifndef SPMK_MM_MEMMAP_INTERNAL_H
#define SPMK_MM_MEMMAP_INTERNAL_H

#include "lib/out.h"
#include "mm/memmap.h"

/* Counts one finding of kind k involving `bytes` bytes in m->stats, and logs it at `level`
 * when it is among the first MEMMAP_NOTE_LINES of its kind. */
void memmap_note(struct memmap *m, struct out *log, enum memmap_note k, int level, uint64_t bytes,
		 const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* One line for each kind with more findings than were logged: the total, how many were not
 * shown, and the bytes they involve in all. */
void memmap_note_summary(const struct memmap *m, struct out *log);

#endif
