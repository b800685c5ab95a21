/* SPDX-License-Identifier: BSD-2-Clause */
/* spmk/args.h - what an app may receive as arguments (docs/apps.md): main(argc, argv) gets at
 * most SPMK_ARGS_MAX strings, its own name included, of at most SPMK_ARGS_BYTES bytes in all,
 * each string's terminating NUL counted. `app run` refuses more; the shell's line and word
 * limits are derived from these (kernel/shell/shell_parse.h), so it can pass all of it. */
#ifndef SPMK_ARGS_H
#define SPMK_ARGS_H

#define SPMK_ARGS_MAX 16     /* argument strings, the name included */
#define SPMK_ARGS_BYTES 1024 /* bytes of argument strings, NULs included */

#endif
