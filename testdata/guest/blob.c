/*
 * Writes the RAM blob that qmig's non-x86 fixtures load with `-device loader,file=...,addr=...`:
 * <pages> 4 KiB pages (default 96), page i filled with the little-endian word 0xB1000000 | i, except
 * the first 8 bytes of page 0 which read "QMIGBLOB". Distinct, non-zero, compressible pages.
 * Host program: built and run by build.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s OUT [pages]\n", argv[0]);
        return 2;
    }
    unsigned pages = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 0) : 96;
    FILE *f = fopen(argv[1], "wb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    unsigned char page[4096];
    for (unsigned p = 0; p < pages; p++) {
        unsigned w = 0xB1000000u | p;
        for (unsigned i = 0; i < sizeof page; i += 4) {
            page[i] = (unsigned char)w;
            page[i + 1] = (unsigned char)(w >> 8);
            page[i + 2] = (unsigned char)(w >> 16);
            page[i + 3] = (unsigned char)(w >> 24);
        }
        if (p == 0) memcpy(page, "QMIGBLOB", 8);
        if (fwrite(page, 1, sizeof page, f) != sizeof page) {
            perror(argv[1]);
            return 1;
        }
    }
    return fclose(f) == 0 ? 0 : 1;
}
