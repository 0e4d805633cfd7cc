/* A child process for pagemap tests: maps argv[1] anonymous pages, writes the pages listed in
 * the remaining arguments, prints "<pid> <hex address>", then serves commands on stdin:
 * "w <page>" writes that page and answers "ok"; "q" or end of input exits. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: %s <pages> [page to touch]...\n", argv[0]); return 2; }
    long pages = atol(argv[1]);
    long size = sysconf(_SC_PAGESIZE);
    volatile char *base = mmap(NULL, pages * size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) { perror("mmap"); return 1; }
    for (int i = 2; i < argc; i++) base[atol(argv[i]) * size] = 1;
    printf("%d %lx\n", (int) getpid(), (unsigned long) (uintptr_t) base);
    fflush(stdout);
    char line[64];
    while (fgets(line, sizeof line, stdin)) {
        long page;
        if (line[0] == 'q') break;
        if (sscanf(line, "w %ld", &page) == 1 && page >= 0 && page < pages) {
            base[page * size] += 1;
            printf("ok\n");
        } else {
            printf("bad command: %s", line);
        }
        fflush(stdout);
    }
    return 0;
}
