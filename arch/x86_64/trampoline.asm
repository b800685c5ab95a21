; SPDX-License-Identifier: BSD-2-Clause
; trampoline.asm - where a started CPU begins: real mode at physical T (page aligned, below
; 1 MiB; the STARTUP IPI's vector is T >> 12, so CS = T >> 4 and IP = 0), then protected mode,
; then long mode with paging, then a jump to the kernel's C entry for that CPU.
;
; kernel/smp.c copies [tramp_start, tramp_end) to T and fills the tr_* fields (offsets from
; tramp_start) before each start: the GDT pointer's base, the two far-jump targets, CR3 (a
; PML4 below 4 GiB that identity-maps T and holds the kernel's higher half), CR4, EFER, the
; stack, the argument and the entry point. Everything here is position independent apart from
; those patched fields (16/32-bit code addresses data through CS/DS = T or through ebx = T).

bits 16
section .note.GNU-stack noalloc noexec nowrite progbits
section .text
align 16
global tramp_start, tramp_end
global tr_gdtr, tr_pm_jump, tr_lm_jump, tr_cr3, tr_cr4, tr_efer, tr_stack, tr_arg, tr_entry
tramp_start:
	cli
	cld
	mov ax, cs
	mov ds, ax
	xor ebx, ebx
	mov bx, ax
	shl ebx, 4                          ; ebx = T
	lgdt [tr_gdtr - tramp_start]
	mov eax, cr0
	or eax, 1                           ; PE
	mov cr0, eax
	jmp dword far [tr_pm_jump - tramp_start]

bits 32
global tramp_pm
tramp_pm:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov eax, [ebx + tr_cr4 - tramp_start]
	mov cr4, eax                        ; PAE (and PGE as on the boot CPU)
	mov eax, [ebx + tr_cr3 - tramp_start]
	mov cr3, eax
	mov ecx, 0xC0000080                 ; EFER
	mov eax, [ebx + tr_efer - tramp_start]
	xor edx, edx
	wrmsr                               ; LME (and NXE as on the boot CPU)
	mov eax, cr0
	or eax, 0x80010001                  ; PG | WP | PE
	mov cr0, eax
	jmp far [ebx + tr_lm_jump - tramp_start]

bits 64
global tramp_lm
tramp_lm:
	xor eax, eax
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov rsp, [rel tr_stack]
	mov rdi, [rel tr_arg]
	mov rax, [rel tr_entry]
	xor ebp, ebp
	push 0                              ; a zero return address ends backtraces
	jmp rax

align 16
tr_gdt:
	dq 0
	dq 0x00CF9A000000FFFF               ; 0x08: 32-bit code, flat
	dq 0x00CF92000000FFFF               ; 0x10: data, flat
	dq 0x00AF9A000000FFFF               ; 0x18: 64-bit code
tr_gdtr:
	dw 31
	dd 0                                ; T + (tr_gdt - tramp_start)
align 8
tr_pm_jump:
	dd 0                                ; T + (tramp_pm - tramp_start)
	dw 0x08
align 8
tr_lm_jump:
	dd 0                                ; T + (tramp_lm - tramp_start)
	dw 0x18
align 8
tr_cr3:   dq 0
tr_cr4:   dq 0
tr_efer:  dq 0
tr_stack: dq 0
tr_arg:   dq 0
tr_entry: dq 0
tramp_end:
global tr_gdt
