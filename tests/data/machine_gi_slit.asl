/* SPDX-License-Identifier: BSD-2-Clause */
/* Machine gi: SLIT for pxm 0 (CPU + DDR), 1 (SP memory), 2 (generic initiator) */
[0004]                          Signature : "SLIT"
[0004]                       Table Length : 00000000
[0001]                           Revision : 01
[0001]                           Checksum : 00
[0006]                             Oem ID : "SPMK  "
[0008]                       Oem Table ID : "GISLIT  "
[0004]                       Oem Revision : 00000001
[0004]                    Asl Compiler ID : "INTL"
[0004]              Asl Compiler Revision : 20200925

[0008]                         Localities : 0000000000000003
[0003]                       Locality   0 : 0A 1C 14
[0003]                       Locality   1 : 1C 0A 11
[0003]                       Locality   2 : 14 11 0A
