/*
 * qmig core-dump fixture guest (x86): a multiboot v1 kernel (ELF32, loaded at 1 MiB with -kernel)
 * that switches to 64-bit long mode, so that QEMU's dump-guest-memory writes an x86-64 core.
 *
 * It identity-maps the first 1 GiB with 2 MiB pages, enters long mode, sets FS.base, GS.base
 * and KERNEL_GS_BASE, fills 256 KiB at 16 MiB with the qwords 0x6400000000000000 | physical
 * address, writes "DONE" (0x454E4F44) to physical 0x500 (the status word of testdata/guest),
 * loads distinctive values into the general registers and halts with interrupts off.
 */
    .section .multiboot, "a"
    .align 4
    .long 0x1BADB002
    .long 0
    .long -0x1BADB002

    .text
    .code32
    .globl _start
_start:
    cli
    movl $pdpt + 3, pml4
    movl $pd + 3, pdpt
    xor %ecx, %ecx
1:  mov %ecx, %eax
    shl $21, %eax
    or $0x83, %eax               /* present, writable, 2 MiB page */
    mov %eax, pd(,%ecx,8)
    inc %ecx
    cmp $512, %ecx
    jne 1b
    mov $pml4, %eax
    mov %eax, %cr3
    mov %cr4, %eax
    or $0x20, %eax               /* CR4.PAE */
    mov %eax, %cr4
    mov $0xC0000080, %ecx        /* EFER */
    rdmsr
    or $0x100, %eax              /* EFER.LME */
    wrmsr
    mov %cr0, %eax
    or $0x80000001, %eax         /* CR0.PG | CR0.PE */
    mov %eax, %cr0
    lgdt gdt_desc
    ljmp $0x08, $long_entry

    .code64
long_entry:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov %ax, %fs
    mov %ax, %gs
    mov $stack_top, %esp          /* zero-extends into %rsp */
    mov $0xC0000100, %ecx        /* FS.base = 0x00007f0012345000 */
    mov $0x12345000, %eax
    mov $0x00007f00, %edx
    wrmsr
    mov $0xC0000101, %ecx        /* GS.base = 0xffff800000abc000 */
    mov $0x00abc000, %eax
    mov $0xffff8000, %edx
    wrmsr
    mov $0xC0000102, %ecx        /* KERNEL_GS_BASE = 0xffff800000def000 */
    mov $0x00def000, %eax
    mov $0xffff8000, %edx
    wrmsr
    mov $0x1000000, %rdi
    mov $(0x40000 / 8), %rcx
    movabs $0x6400000000000000, %rdx
2:  mov %rdi, %rax
    or %rdx, %rax
    mov %rax, (%rdi)
    add $8, %rdi
    dec %rcx
    jnz 2b
    movl $0x454E4F44, 0x500
    movabs $0x1111111111111111, %rax
    movabs $0x2222222222222222, %rbx
    movabs $0x3333333333333333, %rcx
    movabs $0x4444444444444444, %rdx
    movabs $0x5555555555555555, %rsi
    movabs $0x6666666666666666, %rdi
    movabs $0x7777777777777777, %rbp
    movabs $0x8888888888888888, %r8
    movabs $0x9999999999999999, %r9
    movabs $0xaaaaaaaaaaaaaaaa, %r10
    movabs $0xbbbbbbbbbbbbbbbb, %r11
    movabs $0xcccccccccccccccc, %r12
    movabs $0xdddddddddddddddd, %r13
    movabs $0xeeeeeeeeeeeeeeee, %r14
    movabs $0xffffffffffffffff, %r15
3:  hlt
    jmp 3b

    .data
    .align 8
gdt:
    .quad 0
    .quad 0x00af9a000000ffff     /* 0x08: 64-bit code */
    .quad 0x00cf92000000ffff     /* 0x10: data */
gdt_end:
gdt_desc:
    .word gdt_end - gdt - 1
    .long gdt

    .bss
    .align 4096
pml4: .skip 4096
pdpt: .skip 4096
pd:   .skip 4096
    .skip 16384
stack_top:
