/* Entry point of the qmig test guest: set up a stack, call guest_main(eax, ebx). */
    .section .text
    .globl _start
_start:
    cli
    mov $stack_top, %esp
    push %ebx            /* multiboot info */
    push %eax            /* multiboot magic */
    call guest_main
1:  hlt
    jmp 1b

    .section .bss
    .align 16
    .skip 16384
stack_top:
