/* SPDX-License-Identifier: BSD-2-Clause */
/* memprobe.h - memprobe's pieces: the measurements (measure.c) and the report (report.c).
 *
 * memprobe measures, for every memory node, what a CPU of node 0 gets: streaming read and
 * write bandwidth (MB/s) over a buffer on that node, and load-to-use latency (ns) by a
 * dependent pointer chase over a random cyclic permutation of cache lines; then it sets the
 * HMAT's claims beside them (docs/apps.md). Integer arithmetic only (apps have no SSE). */
#ifndef MEMPROBE_H
#define MEMPROBE_H

#include <stdbool.h>
#include <stdint.h>

#include "include/spmk/topology.h"

#define MP_LINE 64 /* bytes per chased cache line */

struct mp_figures {
	uint64_t read_mbps, write_mbps;
	uint64_t latency_ps; /* picoseconds, so tenths of ns survive integer division */
};

struct mp_node {
	uint32_t node;
	bool measured;
	char memory[32];           /* "dax0.0", "movable", "unmovable", or why not measured */
	struct mp_figures claimed; /* from the HMAT (0: no claim) */
	struct mp_figures measured_f;
};

struct mp_options {
	uint64_t size;  /* bytes streamed per pass */
	uint64_t chase; /* bytes of the pointer-chase permutation */
	uint64_t reps;  /* passes of each bandwidth test */
	bool json;
};

/* Measures buf[0..size) (size >= chase, both multiples of MP_LINE). */
void mp_measure(uint8_t *buf, const struct mp_options *o, struct mp_figures *out);
/* The table with ratios and flags, or one JSON line. Returns the number of flags raised. */
int mp_report(const struct mp_node *n, unsigned count, const struct mp_options *o,
	      unsigned initiator);

#endif
