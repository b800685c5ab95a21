/* SPDX-License-Identifier: BSD-2-Clause */
/* serial.h - the 16550 UART on COM1 (0x3F8): polled output and input. */
#ifndef SPMK_KERNEL_SERIAL_H
#define SPMK_KERNEL_SERIAL_H

#include <stdbool.h>
#include <stddef.h>

void serial_init(void);
void serial_putc(char c);
void serial_write(const char *s, size_t n);
/* Returns true and a byte when one is waiting. */
bool serial_try_getc(char *c);
/* Waits for a byte. */
char serial_getc(void);

#endif
