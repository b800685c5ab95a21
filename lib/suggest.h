/* SPDX-License-Identifier: BSD-2-Clause */
/* suggest.h - "did you mean": the closest known word to a mistyped one.
 *
 * Distance is the optimal string alignment distance (Damerau-Levenshtein restricted: insert,
 * delete, substitute, or swap two adjacent characters, each costing 1), so `nohmta` is 1 away
 * from `nohmat` and `creat-device` 1 away from `create-device`. Pure functions, no allocation. */
#ifndef SPMK_LIB_SUGGEST_H
#define SPMK_LIB_SUGGEST_H

#include <stddef.h>

#define SUGGEST_MAX_LEN 48 /* longer words are never matched (distance SUGGEST_FAR) */
#define SUGGEST_FAR 1000u

/* Edit distance between a and b (case-sensitive); SUGGEST_FAR when either is longer than
 * SUGGEST_MAX_LEN characters. */
unsigned suggest_distance(const char *a, const char *b);

/* The word of `words` (n entries, NULL entries skipped) closest to `typed`, when it is close
 * enough to be a typo: distance at most 1 for words up to 4 characters, 2 up to 8, else 3,
 * and less than the typed word's length. The earliest of equally close words wins. NULL when
 * none qualifies or typed equals a word exactly (nothing to suggest). */
const char *suggest_word(const char *typed, const char *const *words, size_t n);

#endif
