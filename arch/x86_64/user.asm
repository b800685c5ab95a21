; SPDX-License-Identifier: BSD-2-Clause
; user.asm - ring 3: the first entry into an app, the SYSCALL entry, and kjmp_resume.
;
; user_enter(rip, rsp, argc, argv, rflags): iretq to ring 3 at rip with the stack rsp, %rdi =
; argc, %rsi = argv, the given RFLAGS (0x202 when the kernel runs with interrupts on: then the
; timer tick checks Ctrl-C) and every other general register zero, so no kernel value reaches
; the app.
; syscall_entry: the CPU comes here from SYSCALL (LSTAR) with %rcx = user RIP, %r11 = user
; RFLAGS, interrupts masked (SFMASK), still on the user stack. It switches to app_kstack,
; saves a struct syscall_frame (kernel/app_syscall.h) and calls syscall_dispatch, which
; returns the result; the app's registers but %rax, %rcx and %r11 come back unchanged, and
; SYSRET returns to %rcx (checked canonical by syscall_dispatch, SDM Vol. 2B SYSRET).
; The same stack is TSS.rsp0, for exceptions from ring 3 (only one of the two is ever active).
; kjmp_resume(j, val): returns from the kjmp_set(j) that saved j, with val (entry.asm).

bits 64
section .note.GNU-stack noalloc noexec nowrite progbits
default rel

section .bss
align 16
global app_kstack
app_kstack:
	resb 65536
global app_kstack_top
app_kstack_top:
syscall_user_rsp:
	resq 1

section .text
global user_enter
user_enter:
	push 0x1b           ; USER_DS
	push rsi            ; user stack
	push r8             ; RFLAGS
	push 0x23           ; USER_CS
	push rdi            ; entry
	mov rdi, rdx
	mov rsi, rcx
	xor eax, eax
	xor ebx, ebx
	xor ecx, ecx
	xor edx, edx
	xor ebp, ebp
	xor r8d, r8d
	xor r9d, r9d
	xor r10d, r10d
	xor r11d, r11d
	xor r12d, r12d
	xor r13d, r13d
	xor r14d, r14d
	xor r15d, r15d
	iretq

extern syscall_dispatch
global syscall_entry
syscall_entry:
	mov [syscall_user_rsp], rsp
	lea rsp, [app_kstack_top]
	push qword [syscall_user_rsp]
	push r11
	push rcx
	push r9
	push r8
	push r10
	push rdx
	push rsi
	push rdi
	push rax
	mov rdi, rsp
	cld
	call syscall_dispatch
	add rsp, 8
	pop rdi
	pop rsi
	pop rdx
	pop r10
	pop r8
	pop r9
	pop rcx
	pop r11
	pop rsp
	o64 sysret

; void kjmp_resume(struct kjmp *j, long val): rbx rbp r12 r13 r14 r15 rsp rip
global kjmp_resume
kjmp_resume:
	mov rax, rsi
	mov rbx, [rdi + 0]
	mov rbp, [rdi + 8]
	mov r12, [rdi + 16]
	mov r13, [rdi + 24]
	mov r14, [rdi + 32]
	mov r15, [rdi + 40]
	mov rsp, [rdi + 48]
	jmp [rdi + 56]
