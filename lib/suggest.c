/* SPDX-License-Identifier: BSD-2-Clause */
/* suggest.c - edit distance and "did you mean" (see suggest.h). */
#include "lib/suggest.h"

#include "lib/kstring.h"

static unsigned min3(unsigned a, unsigned b, unsigned c)
{
	unsigned m = a < b ? a : b;
	return m < c ? m : c;
}

unsigned suggest_distance(const char *a, const char *b)
{
	size_t la = strnlen(a, SUGGEST_MAX_LEN + 1), lb = strnlen(b, SUGGEST_MAX_LEN + 1);
	if (la > SUGGEST_MAX_LEN || lb > SUGGEST_MAX_LEN)
		return SUGGEST_FAR;
	/* rows i-2, i-1 and i of the (la+1) x (lb+1) table live in rows[(i-2)%3] .. rows[i%3] */
	unsigned rows[3][SUGGEST_MAX_LEN + 1];
	for (size_t j = 0; j <= lb; j++)
		rows[0][j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		unsigned *cur = rows[i % 3], *prev = rows[(i + 2) % 3], *prev2 = rows[(i + 1) % 3];
		cur[0] = (unsigned)i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned cost = a[i - 1] != b[j - 1];
			cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    prev2[j - 2] + 1 < cur[j])
				cur[j] = prev2[j - 2] + 1;
		}
	}
	return rows[la % 3][lb];
}

/* How many edits still count as a typo of a word of this length. */
static unsigned typo_budget(size_t len) { return len <= 4 ? 1 : len <= 8 ? 2 : 3; }

const char *suggest_word(const char *typed, const char *const *words, size_t n)
{
	const char *best = 0;
	unsigned best_d = SUGGEST_FAR;
	size_t tl = strnlen(typed, SUGGEST_MAX_LEN + 1);
	for (size_t i = 0; i < n; i++) {
		if (!words[i])
			continue;
		unsigned d = suggest_distance(typed, words[i]);
		if (d == 0)
			return 0;
		size_t wl = strnlen(words[i], SUGGEST_MAX_LEN + 1);
		if (d > typo_budget(wl) || d >= tl || d >= best_d)
			continue;
		best = words[i];
		best_d = d;
	}
	return best;
}
