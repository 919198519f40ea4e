/*
 * qmig test guest: a freestanding 32-bit x86 multiboot (v1) kernel that puts recognisable data into
 * guest RAM for migration tests. Behaviour is chosen by the multiboot command line (QEMU -append):
 *
 *   fill=<MiB>     fill <MiB> MiB starting at 16 MiB physical (default 8). Every 4 KiB page is
 *                  distinct, non-zero and very compressible: its 1024 words are all
 *                  0x51000000 | page index (page index counted from 16 MiB).
 *   random         fill with xorshift32 pseudo-random data instead (incompressible).
 *   dirty=<KiB>    after the fill, rewrite the first <KiB> KiB of the filled range forever: each
 *                  generation stores the generation number in word 1 of every page of that range
 *                  (4 changed bytes per page per generation, ideal for XBZRLE).
 *   base=<MiB>     start of the filled range in MiB (default 16).
 *   walk=<KiB>     after the fill, rewrite whole pages of the first <KiB> KiB of the filled range one
 *                  after the other, cycling forever (ignored if dirty= is given). A moving window: the
 *                  pages dirtied in an interval are the contiguous run the cursor passed. On pass n
 *                  (1, 2, ...) page p (counted from the range start) gets all 1024 words =
 *                  0x57000000 | (n & 0xFF) << 16 | p, except that on even passes every 16th page
 *                  (p % 16 == 15) is zeroed. Word +4 of the status block counts the pages
 *                  rewritten so far (the cursor is that count modulo the window's pages).
 *   pace=<n>       walk only: spin <n> empty loop iterations after each page (slows the cursor).
 *
 * Status block at physical 0x500 (read with HMP `xp /4wx 0x500`):
 *   +0  magic: 0x54494E49 "INIT" while filling, 0x454E4F44 "DONE" once the fill is complete
 *   +4  generation: 0 after the fill, then incremented after every dirty pass
 *   +4  walk: pages rewritten so far
 *   +8  MiB filled     +12 KiB being dirtied (dirty= or walk=)
 * After the fill (and without dirty= or walk=) the CPU halts with interrupts off.
 */
typedef unsigned int u32;
typedef unsigned char u8;

#define MB_MAGIC 0x1BADB002u
#define MB_FLAGS 0x00000003u /* page-align modules, give memory info */

__attribute__((section(".multiboot"), used, aligned(4)))
static const u32 multiboot_header[3] = {MB_MAGIC, MB_FLAGS, (u32)-(MB_MAGIC + MB_FLAGS)};

struct mb_info {
    u32 flags, mem_lower, mem_upper, boot_device, cmdline;
};

/* The status block pointer goes through an empty asm so that GCC does not treat a store to a low
 * constant address as a null-pointer dereference (-Warray-bounds). */
static volatile u32 *status_block(void) {
    u32 a = 0x500;
    __asm__("" : "+r"(a));
    return (volatile u32 *)a;
}
#define MAGIC_INIT 0x54494E49u
#define MAGIC_DONE 0x454E4F44u

static int starts_with(const char *s, const char *p) {
    while (*p) {
        if (*s++ != *p++) return 0;
    }
    return 1;
}

static u32 parse_num(const char *s) {
    u32 v = 0;
    while (*s >= '0' && *s <= '9') v = v * 10 + (u32)(*s++ - '0');
    return v;
}

static void halt_forever(void) {
    for (;;) __asm__ volatile("cli; hlt");
}

/* walk= mode (see the top): never returns. */
static void walk(volatile u32 *base, u32 pages, u32 walk_kib, u32 pace) {
    volatile u32 *const STATUS = status_block();
    u32 walk_pages = walk_kib >> 2;
    if (walk_pages > pages) walk_pages = pages;
    if (walk_pages > 0x10000) walk_pages = 0x10000;
    STATUS[3] = walk_pages << 2;
    STATUS[0] = MAGIC_DONE;
    if (walk_pages == 0) halt_forever();
    u32 done = 0;
    for (u32 pass = 1;; pass++) {
        for (u32 p = 0; p < walk_pages; p++) {
            volatile u32 *page = base + (p << 10);
            u32 w = 0x57000000u | (pass & 0xFFu) << 16 | p;
            if ((pass & 1) == 0 && (p & 15) == 15) w = 0; /* pages that change to zero */
            for (u32 i = 0; i < 1024; i++) page[i] = w;
            STATUS[1] = ++done;
            for (volatile u32 k = 0; k < pace; k++) {
            }
        }
    }
}

void guest_main(u32 magic, const struct mb_info *mbi) {
    volatile u32 *const STATUS = status_block();
    u32 fill_mib = 8, dirty_kib = 0, base_mib = 16, random = 0, walk_kib = 0, pace = 0;
    STATUS[0] = MAGIC_INIT;
    STATUS[1] = 0;
    if (magic == 0x2BADB002u && (mbi->flags & 4) && mbi->cmdline) {
        const char *s = (const char *)mbi->cmdline;
        while (*s) {
            while (*s == ' ') s++;
            if (starts_with(s, "fill=")) fill_mib = parse_num(s + 5);
            else if (starts_with(s, "dirty=")) dirty_kib = parse_num(s + 6);
            else if (starts_with(s, "base=")) base_mib = parse_num(s + 5);
            else if (starts_with(s, "random")) random = 1;
            else if (starts_with(s, "walk=")) walk_kib = parse_num(s + 5);
            else if (starts_with(s, "pace=")) pace = parse_num(s + 5);
            while (*s && *s != ' ') s++;
        }
    }
    /* Clamp to the RAM that multiboot reports (mem_upper is KiB above 1 MiB). */
    if (magic == 0x2BADB002u && (mbi->flags & 1)) {
        u32 top_mib = (mbi->mem_upper >> 10) + 1;
        if (base_mib >= top_mib) fill_mib = 0;
        else if (base_mib + fill_mib > top_mib) fill_mib = top_mib - base_mib;
    }
    STATUS[2] = fill_mib;

    volatile u32 *base = (volatile u32 *)(base_mib << 20);
    u32 pages = fill_mib << 8;
    u32 x = 0x2545F491u;
    for (u32 p = 0; p < pages; p++) {
        volatile u32 *page = base + (p << 10);
        if (random) {
            for (u32 i = 0; i < 1024; i++) {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                page[i] = x;
            }
        } else {
            u32 w = 0x51000000u | p;
            for (u32 i = 0; i < 1024; i++) page[i] = w;
        }
    }
    u32 dirty_pages = dirty_kib >> 2;
    if (dirty_pages > pages) dirty_pages = pages;
    if (dirty_pages == 0 && walk_kib != 0) walk(base, pages, walk_kib, pace);
    STATUS[3] = dirty_pages << 2;
    STATUS[0] = MAGIC_DONE;
    if (dirty_pages == 0) halt_forever();
    for (u32 gen = 1;; gen++) {
        for (u32 p = 0; p < dirty_pages; p++) base[(p << 10) + 1] = gen;
        STATUS[1] = gen;
    }
}
