/* SPDX-License-Identifier: BSD-2-Clause */
/* start.c - an app's entry: the kernel enters _start in ring 3 with %rdi = argc, %rsi = argv
 * (the strings on the app's stack, argv[0] the app's name) and a 16-byte aligned stack. */
#include "include/spmk/console.h"

int main(int argc, char **argv);
__attribute__((noreturn)) void _start(int argc, char **argv);

__attribute__((section(".text.start"), noreturn)) void _start(int argc, char **argv)
{
	spmk_exit(main(argc, argv));
}
