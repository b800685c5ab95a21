/* SPDX-License-Identifier: BSD-2-Clause */
/* HMAT rev 2 for srat_all: 3 initiators (pxm 0,1 CPUs; 3 generic), 4 targets, missing data, caches, a cache-hierarchy SLLBI */
[0004]                          Signature : "HMAT"
[0004]                       Table Length : 00000000
[0001]                           Revision : 02
[0001]                           Checksum : 00
[0006]                             Oem ID : "SPMK  "
[0008]                       Oem Table ID : "MULTI"
[0004]                       Oem Revision : 00000001
[0004]                    Asl Compiler ID : "INTL"
[0004]              Asl Compiler Revision : 20200925

[0004]                           Reserved : 00000000

[0002]                     Structure Type : 0000 [Memory Proximity Domain Attributes]
[0002]                           Reserved : 0000
[0004]                             Length : 00000028
[0002]              Flags (decoded below) : 0001
         Processor Proximity Domain Valid : 1
[0002]                          Reserved1 : 0000
[0004] Attached Initiator Proximity Domain : 00000000
[0004]            Memory Proximity Domain : 00000000
[0004]                          Reserved2 : 00000000
[0008]                          Reserved3 : 0000000000000000
[0008]                          Reserved4 : 0000000000000000

[0002]                     Structure Type : 0000 [Memory Proximity Domain Attributes]
[0002]                           Reserved : 0000
[0004]                             Length : 00000028
[0002]              Flags (decoded below) : 0000
         Processor Proximity Domain Valid : 0
[0002]                          Reserved1 : 0000
[0004] Attached Initiator Proximity Domain : 00000000
[0004]            Memory Proximity Domain : 00000002
[0004]                          Reserved2 : 00000000
[0008]                          Reserved3 : 0000000000000000
[0008]                          Reserved4 : 0000000000000000

[0002]                     Structure Type : 0001 [System Locality Latency and Bandwidth Information]
[0002]                           Reserved : 0000
[0004]                             Length : 00000054
[0001]              Flags (decoded below) : 00
                         Memory Hierarchy : 0
[0001]                          Data Type : 01
[0002]                          Reserved1 : 0000
[0004]      Initiator Proximity Domains # : 00000003
[0004]         Target Proximity Domains # : 00000004
[0004]                          Reserved2 : 00000000
[0008]                    Entry Base Unit : 00000000000003E8
[0004]    Initiator Proximity Domain List : 00000000
[0004]    Initiator Proximity Domain List : 00000001
[0004]    Initiator Proximity Domain List : 00000003
[0004]       Target Proximity Domain List : 00000000
[0004]       Target Proximity Domain List : 00000001
[0004]       Target Proximity Domain List : 00000002
[0004]       Target Proximity Domain List : 00000004
[0002]                              Entry : 0064
[0002]                              Entry : 0096
[0002]                              Entry : 012C
[0002]                              Entry : 0000
[0002]                              Entry : 0096
[0002]                              Entry : 0064
[0002]                              Entry : 00FA
[0002]                              Entry : FFFF
[0002]                              Entry : 008C
[0002]                              Entry : 008C
[0002]                              Entry : 00C8
[0002]                              Entry : 0190

[0002]                     Structure Type : 0001 [System Locality Latency and Bandwidth Information]
[0002]                           Reserved : 0000
[0004]                             Length : 00000054
[0001]              Flags (decoded below) : 00
                         Memory Hierarchy : 0
[0001]                          Data Type : 02
[0002]                          Reserved1 : 0000
[0004]      Initiator Proximity Domains # : 00000003
[0004]         Target Proximity Domains # : 00000004
[0004]                          Reserved2 : 00000000
[0008]                    Entry Base Unit : 00000000000003E8
[0004]    Initiator Proximity Domain List : 00000000
[0004]    Initiator Proximity Domain List : 00000001
[0004]    Initiator Proximity Domain List : 00000003
[0004]       Target Proximity Domain List : 00000000
[0004]       Target Proximity Domain List : 00000001
[0004]       Target Proximity Domain List : 00000002
[0004]       Target Proximity Domain List : 00000004
[0002]                              Entry : 006E
[0002]                              Entry : 00A0
[0002]                              Entry : 0190
[0002]                              Entry : 0000
[0002]                              Entry : 00A0
[0002]                              Entry : 006E
[0002]                              Entry : 015E
[0002]                              Entry : 0000
[0002]                              Entry : 0096
[0002]                              Entry : 0096
[0002]                              Entry : 015E
[0002]                              Entry : 01F4

[0002]                     Structure Type : 0001 [System Locality Latency and Bandwidth Information]
[0002]                           Reserved : 0000
[0004]                             Length : 00000054
[0001]              Flags (decoded below) : 00
                         Memory Hierarchy : 0
[0001]                          Data Type : 03
[0002]                          Reserved1 : 0000
[0004]      Initiator Proximity Domains # : 00000003
[0004]         Target Proximity Domains # : 00000004
[0004]                          Reserved2 : 00000000
[0008]                    Entry Base Unit : 0000000000000064
[0004]    Initiator Proximity Domain List : 00000000
[0004]    Initiator Proximity Domain List : 00000001
[0004]    Initiator Proximity Domain List : 00000003
[0004]       Target Proximity Domain List : 00000000
[0004]       Target Proximity Domain List : 00000001
[0004]       Target Proximity Domain List : 00000002
[0004]       Target Proximity Domain List : 00000004
[0002]                              Entry : 0064
[0002]                              Entry : 0032
[0002]                              Entry : 0014
[0002]                              Entry : 0000
[0002]                              Entry : 0032
[0002]                              Entry : 0064
[0002]                              Entry : 001E
[0002]                              Entry : 0000
[0002]                              Entry : 003C
[0002]                              Entry : 003C
[0002]                              Entry : 001E
[0002]                              Entry : 000A

[0002]                     Structure Type : 0001 [System Locality Latency and Bandwidth Information]
[0002]                           Reserved : 0000
[0004]                             Length : 0000002A
[0001]              Flags (decoded below) : 02
                         Memory Hierarchy : 2
[0001]                          Data Type : 01
[0002]                          Reserved1 : 0000
[0004]      Initiator Proximity Domains # : 00000001
[0004]         Target Proximity Domains # : 00000001
[0004]                          Reserved2 : 00000000
[0008]                    Entry Base Unit : 00000000000003E8
[0004]    Initiator Proximity Domain List : 00000000
[0004]       Target Proximity Domain List : 00000002
[0002]                              Entry : 0032

[0002]                     Structure Type : 0002 [Memory Side Cache Information]
[0002]                           Reserved : 0000
[0004]                             Length : 00000020
[0004]            Memory Proximity Domain : 00000002
[0004]                          Reserved1 : 00000000
[0008]             Memory Side Cache Size : 0000000040000000
[0004]   Cache Attributes (decoded below) : 00401112
                       Total Cache Levels : 2
                              Cache Level : 1
                      Cache Associativity : 1
                             Write Policy : 1
                          Cache Line Size : 0040
[0002]                          Reserved2 : 0000
[0002]                    SMBIOS Handle # : 0000

[0002]                     Structure Type : 0002 [Memory Side Cache Information]
[0002]                           Reserved : 0000
[0004]                             Length : 00000024
[0004]            Memory Proximity Domain : 00000002
[0004]                          Reserved1 : 00000000
[0008]             Memory Side Cache Size : 0000000100000000
[0004]   Cache Attributes (decoded below) : 00802222
                       Total Cache Levels : 2
                              Cache Level : 2
                      Cache Associativity : 2
                             Write Policy : 2
                          Cache Line Size : 0080
[0002]                          Reserved2 : 0000
[0002]                    SMBIOS Handle # : 0002
[0002]                      SMBIOS Handle : 0010
[0002]                      SMBIOS Handle : 0011

