/* SPDX-License-Identifier: BSD-2-Clause */
/* report.c - memprobe's table and JSON line: measured beside claimed, ratios, flags for claims
 * more than 2x off either way and for node orderings the measurements contradict. */
#include "apps/memprobe/memprobe.h"

#include "include/spmk/console.h"

#define METRICS 3
#define FLAG_RATIO_HI 200  /* measured/claimed in hundredths: above 2x */
#define FLAG_RATIO_LO 50   /* below 1/2 */
#define ORDER_CLAIM_PCT 10 /* a claimed ordering counts when the claims differ by > 10% */
#define ORDER_MEAS_PCT 5   /* and is contradicted unless the measurements differ by > 5% */

static const char *const metric_name[METRICS] = { "read bandwidth", "write bandwidth", "latency" };
static const char *const metric_json[METRICS] = { "read_mbps", "write_mbps", "latency_ns" };

/* Value of metric m in a common unit: MB/s, or ps for latency (claims are in ns). */
static uint64_t value(const struct mp_figures *f, int m, bool claim)
{
	if (m == 0)
		return f->read_mbps;
	if (m == 1)
		return f->write_mbps;
	return claim ? f->latency_ps * 1000 : f->latency_ps;
}

/* Whether a is better than b for metric m (bandwidth higher, latency lower) by more than pct. */
static bool better(uint64_t a, uint64_t b, int m, unsigned pct)
{
	if (m == 2) {
		uint64_t t = a;
		a = b;
		b = t;
	}
	return a * 100 > b * (100 + pct);
}

/* "12.34" for v / div with two decimals ("12" when div is 1). */
static const char *fixed(char *buf, uint64_t v, uint64_t div)
{
	if (div == 1) {
		spmk_snprintf(buf, 16, "%lu", (unsigned long)v);
		return buf;
	}
	uint64_t h = div ? (v * 100 + div / 2) / div : 0;
	spmk_snprintf(buf, 16, "%lu.%02lu", (unsigned long)(h / 100), (unsigned long)(h % 100));
	return buf;
}

/* measured/claimed in hundredths, 0 when either is missing. */
static uint64_t ratio(const struct mp_node *n, int m)
{
	uint64_t c = value(&n->claimed, m, true), v = value(&n->measured_f, m, false);
	return c && v ? (v * 100 + c / 2) / c : 0;
}

static bool flagged(const struct mp_node *n, int m)
{
	uint64_t r = ratio(n, m);
	return r && (r > FLAG_RATIO_HI || r < FLAG_RATIO_LO);
}

static void print_cell(const struct mp_node *n, int m)
{
	char a[16], b[16], c[16];
	uint64_t meas = value(&n->measured_f, m, false), claim = value(&n->claimed, m, true);
	if (m == 2)
		spmk_printf(" %8s %8s", fixed(a, meas, 1000), claim ? fixed(b, claim, 1000) : "-");
	else
		spmk_printf(" %8lu %8s", (unsigned long)meas,
			    claim ? (spmk_snprintf(b, 16, "%lu", (unsigned long)claim), b) : "-");
	spmk_printf(" %6s%s", ratio(n, m) ? fixed(c, ratio(n, m), 100) : "-",
		    flagged(n, m) ? " !" : "  ");
}

/* Calls fn for every pair whose claimed ordering the measurements contradict. */
static int contradictions(const struct mp_node *n, unsigned count, bool json, bool *first)
{
	int found = 0;
	for (unsigned i = 0; i < count; i++)
		for (unsigned j = 0; j < count; j++)
			for (int m = 0; m < METRICS; m++) {
				const struct mp_node *a = &n[i], *b = &n[j];
				if (i == j || !a->measured || !b->measured)
					continue;
				uint64_t ca = value(&a->claimed, m, true),
					 cb = value(&b->claimed, m, true);
				uint64_t ma = value(&a->measured_f, m, false),
					 mb = value(&b->measured_f, m, false);
				if (!ca || !cb || !better(ca, cb, m, ORDER_CLAIM_PCT) ||
				    better(ma, mb, m, ORDER_MEAS_PCT))
					continue;
				found++;
				char x[16], y[16];
				const char *u = m == 2 ? "ns" : "MB/s";
				uint64_t d = m == 2 ? 1000 : 1;
				if (json) {
					spmk_printf("%s{\"metric\":\"%s\",\"claimed_better\":%u,"
						    "\"than\":%u}",
						    *first ? "" : ",", metric_json[m], a->node,
						    b->node);
					*first = false;
				} else {
					spmk_printf("ordering contradicted: HMAT says node %u has "
						    "better %s than "
						    "node %u (%s vs ",
						    a->node, metric_name[m], b->node,
						    fixed(x, ca, d));
					spmk_printf("%s %s); measured %s vs ", fixed(y, cb, d), u,
						    fixed(x, ma, d));
					spmk_printf("%s %s\n", fixed(y, mb, d), u);
				}
			}
	return found;
}

static void json_figures(const char *key, const struct mp_figures *f, bool claim)
{
	char l[16];
	spmk_printf("\"%s\":{\"read_mbps\":%lu,\"write_mbps\":%lu,\"latency_ns\":%s}", key,
		    (unsigned long)f->read_mbps, (unsigned long)f->write_mbps,
		    fixed(l, claim ? f->latency_ps * 1000 : f->latency_ps, 1000));
}

static int report_json(const struct mp_node *n, unsigned count, const struct mp_options *o,
		       unsigned initiator)
{
	int flags = 0;
	spmk_printf("{\"initiator\":%u,\"size\":%lu,\"chase\":%lu,\"reps\":%lu,\"nodes\":[",
		    initiator, (unsigned long)o->size, (unsigned long)o->chase,
		    (unsigned long)o->reps);
	for (unsigned i = 0; i < count; i++) {
		const struct mp_node *p = &n[i];
		spmk_printf("%s{\"node\":%u,\"memory\":\"%s\",\"measured_ok\":%s,", i ? "," : "",
			    p->node, p->memory, p->measured ? "true" : "false");
		json_figures("claimed", &p->claimed, true);
		spmk_printf(",");
		json_figures("measured", &p->measured_f, false);
		spmk_printf(",\"ratio\":{");
		for (int m = 0; m < METRICS; m++) {
			char r[16];
			spmk_printf("%s\"%s\":%s", m ? "," : "", metric_json[m],
				    ratio(p, m) ? fixed(r, ratio(p, m), 100) : "null");
		}
		spmk_printf("},\"flags\":[");
		bool first = true;
		for (int m = 0; m < METRICS; m++)
			if (flagged(p, m)) {
				spmk_printf("%s\"%s\"", first ? "" : ",", metric_json[m]);
				first = false;
				flags++;
			}
		spmk_printf("]}");
	}
	spmk_printf("],\"contradictions\":[");
	bool first = true;
	flags += contradictions(n, count, true, &first);
	spmk_printf("]}\n");
	return flags;
}

int mp_report(const struct mp_node *n, unsigned count, const struct mp_options *o,
	      unsigned initiator)
{
	if (o->json)
		return report_json(n, count, o, initiator);
	int flags = 0;
	spmk_printf("memprobe: from a CPU of node %u; %lu KiB streamed x %lu, %lu KiB chased "
		    "(%lu lines in random order)\n",
		    initiator, (unsigned long)(o->size >> 10), (unsigned long)o->reps,
		    (unsigned long)(o->chase >> 10), (unsigned long)(o->chase / MP_LINE));
	spmk_printf("%-4s %-10s %-26s %-26s %-26s\n", "node", "memory", "  read MB/s",
		    "  write MB/s", "  latency ns");
	spmk_printf("%-4s %-10s", "", "");
	for (int m = 0; m < METRICS; m++)
		spmk_printf(" %8s %8s %6s  ", "measured", "claimed", "ratio");
	spmk_printf("\n");
	for (unsigned i = 0; i < count; i++) {
		const struct mp_node *p = &n[i];
		spmk_printf("%-4u %-10s", p->node, p->memory);
		if (!p->measured) {
			spmk_printf(" not measured\n");
			continue;
		}
		for (int m = 0; m < METRICS; m++)
			print_cell(p, m);
		spmk_printf("\n");
	}
	for (unsigned i = 0; i < count; i++)
		for (int m = 0; m < METRICS; m++)
			if (n[i].measured && flagged(&n[i], m)) {
				char r[16];
				spmk_printf("claim off by more than 2x: node %u %s measured %sx "
					    "the claim\n",
					    n[i].node, metric_name[m],
					    fixed(r, ratio(&n[i], m), 100));
				flags++;
			}
	bool first = true;
	flags += contradictions(n, count, false, &first);
	spmk_printf("memprobe: %d flags\n", flags);
	return flags;
}
