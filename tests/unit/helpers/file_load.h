/* SPDX-License-Identifier: BSD-2-Clause */
/* file_load.h - reading a test's input file (an iasl fixture, a stored firmware seed). */
#ifndef SPMK_TESTS_FILE_LOAD_H
#define SPMK_TESTS_FILE_LOAD_H

#include <stddef.h>
#include <stdint.h>

/* Reads the file at path (relative to the repository root, where the tests run) into buf;
 * returns its size in bytes. Fails the running cmocka test when the file is missing (naming
 * path and hint, what makes it), empty, or not smaller than cap bytes. */
size_t file_load(const char *path, uint8_t *buf, size_t cap, const char *hint);

#endif
