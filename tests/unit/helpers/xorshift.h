/* SPDX-License-Identifier: BSD-2-Clause */
/* xorshift.h - Marsaglia's xorshift64 (shifts 13, 7, 17): the generator of the host tests'
 * randomized runs and of the benches, each sequence fixed by its seed so that a failure
 * reproduces. A nonzero state never becomes zero; a zero state stays zero, so seed with any
 * nonzero value. (lib/prng.h is splitmix64, the generator `selftest stress` shares with the
 * kernel.) Header-only. */
#ifndef SPMK_TESTS_XORSHIFT_H
#define SPMK_TESTS_XORSHIFT_H

#include <stdint.h>

/* Advances *s and returns the new state: the next 64-bit output. */
static inline uint64_t xorshift64(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

#endif
