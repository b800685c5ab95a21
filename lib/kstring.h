/* SPDX-License-Identifier: BSD-2-Clause */
/* kstring.h - the C string and memory functions spmk modules may use.
 *
 * In the kernel they come from lib/string.c; on the host, from the C library. The
 * declarations match the standard ones so either definition links. */
#ifndef SPMK_LIB_KSTRING_H
#define SPMK_LIB_KSTRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);

#endif
