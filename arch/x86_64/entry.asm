; SPDX-License-Identifier: BSD-2-Clause
; entry.asm - kernel entry point, exception stubs and the fault-recovery jump buffer.
;
; kernel_entry: the loader jumps here with %rdi = boot_info (direct-map address), interrupts
; off, on the loader's page tables. We switch to the kernel's own boot stack and call kmain.
; isr_stubN: push a uniform frame (vector, error code, all general registers) and call
; trap_dispatch(struct trap_frame *); the frame layout is struct trap_frame in trap.h.
; kjmp_set(struct kjmp *): saves callee-saved registers, %rsp and the return address; returns 0.
; The trap handler resumes a saved kjmp by editing the frame (see trap.c), making kjmp_set
; return 1.

bits 64
section .note.GNU-stack noalloc noexec nowrite progbits
default rel

section .bss
align 16
boot_stack:
	resb 65536
global boot_stack_top
boot_stack_top:

section .text.entry
global kernel_entry
extern kmain
kernel_entry:
	cli
	lea rsp, [boot_stack_top]
	xor ebp, ebp          ; a zero frame pointer ends every backtrace
	call kmain
.hang:
	cli
	hlt
	jmp .hang

section .text
; void gdt_load(void *gdtr, uint16_t code_sel, uint16_t data_sel)
global gdt_load
gdt_load:
	lgdt [rdi]
	mov ax, dx
	mov ds, ax
	mov es, ax
	mov ss, ax
	xor eax, eax
	mov fs, ax
	mov gs, ax
	push rsi
	lea rax, [.reload]
	push rax
	retfq
.reload:
	ret

; void tss_load(uint16_t sel)
global tss_load
tss_load:
	ltr di
	ret

; int kjmp_set(struct kjmp *j): rbx rbp r12 r13 r14 r15 rsp rip
global kjmp_set
kjmp_set:
	mov [rdi + 0], rbx
	mov [rdi + 8], rbp
	mov [rdi + 16], r12
	mov [rdi + 24], r13
	mov [rdi + 32], r14
	mov [rdi + 40], r15
	lea rax, [rsp + 8]
	mov [rdi + 48], rax
	mov rax, [rsp]
	mov [rdi + 56], rax
	xor eax, eax
	ret

extern trap_dispatch

%macro ISR_NOERR 1
global isr_stub%1
isr_stub%1:
	push 0
	push %1
	jmp isr_common
%endmacro

%macro ISR_ERR 1
global isr_stub%1
isr_stub%1:
	push %1
	jmp isr_common
%endmacro

ISR_NOERR 0
ISR_NOERR 1
ISR_NOERR 2
ISR_NOERR 3
ISR_NOERR 4
ISR_NOERR 5
ISR_NOERR 6
ISR_NOERR 7
ISR_ERR   8
ISR_NOERR 9
ISR_ERR   10
ISR_ERR   11
ISR_ERR   12
ISR_ERR   13
ISR_ERR   14
ISR_NOERR 15
ISR_NOERR 16
ISR_ERR   17
ISR_NOERR 18
ISR_NOERR 19
ISR_NOERR 20
ISR_ERR   21
ISR_NOERR 22
ISR_NOERR 23
ISR_NOERR 24
ISR_NOERR 25
ISR_NOERR 26
ISR_NOERR 27
ISR_NOERR 28
ISR_ERR   29
ISR_ERR   30
ISR_NOERR 31
ISR_NOERR 32
ISR_NOERR 0x40
ISR_NOERR 0x41
ISR_NOERR 0xff

isr_common:
	push rax
	push rbx
	push rcx
	push rdx
	push rsi
	push rdi
	push rbp
	push r8
	push r9
	push r10
	push r11
	push r12
	push r13
	push r14
	push r15
	mov rdi, rsp
	cld
	call trap_dispatch
	pop r15
	pop r14
	pop r13
	pop r12
	pop r11
	pop r10
	pop r9
	pop r8
	pop rbp
	pop rdi
	pop rsi
	pop rdx
	pop rcx
	pop rbx
	pop rax
	add rsp, 16
	iretq

section .data
global isr_stub_table
isr_stub_table:
%assign i 0
%rep 33
	dq isr_stub %+ i
%assign i i+1
%endrep
global isr_irq_table
isr_irq_table:
	dq isr_stub0x40, isr_stub0x41, isr_stub0xff
