/* SPDX-License-Identifier: BSD-2-Clause */
/* HMAT rev 2 whose base unit makes some entries overflow */
[0004]                          Signature : "HMAT"
[0004]                       Table Length : 00000000
[0001]                           Revision : 02
[0001]                           Checksum : 00
[0006]                             Oem ID : "SPMK  "
[0008]                       Oem Table ID : "OVERFLOW"
[0004]                       Oem Revision : 00000001
[0004]                    Asl Compiler ID : "INTL"
[0004]              Asl Compiler Revision : 20200925

[0004]                           Reserved : 00000000

[0002]                     Structure Type : 0001 [System Locality Latency and Bandwidth Information]
[0002]                           Reserved : 0000
[0004]                             Length : 00000030
[0001]              Flags (decoded below) : 00
                         Memory Hierarchy : 0
[0001]                          Data Type : 03
[0002]                          Reserved1 : 0000
[0004]      Initiator Proximity Domains # : 00000001
[0004]         Target Proximity Domains # : 00000002
[0004]                          Reserved2 : 00000000
[0008]                    Entry Base Unit : 4000000000000000
[0004]    Initiator Proximity Domain List : 00000000
[0004]       Target Proximity Domain List : 00000000
[0004]       Target Proximity Domain List : 00000001
[0002]                              Entry : 0002
[0002]                              Entry : 0001

[0002]                     Structure Type : 0001 [System Locality Latency and Bandwidth Information]
[0002]                           Reserved : 0000
[0004]                             Length : 00000030
[0001]              Flags (decoded below) : 00
                         Memory Hierarchy : 0
[0001]                          Data Type : 00
[0002]                          Reserved1 : 0000
[0004]      Initiator Proximity Domains # : 00000001
[0004]         Target Proximity Domains # : 00000002
[0004]                          Reserved2 : 00000000
[0008]                    Entry Base Unit : 0000010000000000
[0004]    Initiator Proximity Domain List : 00000000
[0004]       Target Proximity Domain List : 00000000
[0004]       Target Proximity Domain List : 00000001
[0002]                              Entry : 0001
[0002]                              Entry : FFFE

