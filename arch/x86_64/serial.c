/* SPDX-License-Identifier: BSD-2-Clause */
/* serial.c - polled driver for the 16550 UART on COM1, 115200 8N1. */
#include "arch/x86_64/serial.h"

#include "arch/x86_64/cpu.h"

#define COM1 0x3F8
#define REG_DATA 0
#define REG_IER 1
#define REG_FCR 2
#define REG_LCR 3
#define REG_MCR 4
#define REG_LSR 5
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20

void serial_init(void)
{
	outb(COM1 + REG_IER, 0x00);
	outb(COM1 + REG_LCR, 0x80); /* divisor latch */
	outb(COM1 + 0, 1);          /* 115200 baud */
	outb(COM1 + 1, 0);
	outb(COM1 + REG_LCR, 0x03); /* 8N1 */
	outb(COM1 + REG_FCR, 0xC7); /* FIFO on, cleared */
	outb(COM1 + REG_MCR, 0x03); /* DTR, RTS */
}

void serial_putc(char c)
{
	for (int spins = 0; !(inb(COM1 + REG_LSR) & LSR_THR_EMPTY) && spins < 100000; spins++)
		cpu_relax();
	outb(COM1 + REG_DATA, (uint8_t)c);
}

void serial_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}

bool serial_try_getc(char *c)
{
	if (!(inb(COM1 + REG_LSR) & LSR_DATA_READY))
		return false;
	*c = (char)inb(COM1 + REG_DATA);
	return true;
}

char serial_getc(void)
{
	char c;
	while (!serial_try_getc(&c))
		cpu_relax();
	return c;
}
