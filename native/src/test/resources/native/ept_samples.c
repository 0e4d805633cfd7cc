/* Writes kvm-ept-sample samples, laid out by gcc exactly as the module's
 * struct interact_sample, to argv[1] and prints each as "gfn xwr" in decimal. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct sample { uint32_t gfn: 29; uint32_t xwr: 3; };

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: %s <out file> <count>\n", argv[0]); return 2; }
    FILE *out = fopen(argv[1], "wb");
    if (!out) { perror(argv[1]); return 1; }
    int count = atoi(argv[2]);
    uint32_t edges[][2] = { {0, 0}, {0x1FFFFFFF, 7}, {1, 1}, {0x10000000, 4}, {0x0FFFFFFF, 2}, {12345, 6}, {0, 7}, {0x1FFFFFFF, 0} };
    uint64_t lcg = 42;
    for (int i = 0; i < count; i++) {
        struct sample s;
        if (i < (int) (sizeof edges / sizeof edges[0])) {
            s.gfn = edges[i][0];
            s.xwr = edges[i][1];
        } else {
            lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
            s.gfn = (uint32_t) (lcg >> 20);
            s.xwr = (uint32_t) (lcg >> 61);
        }
        if (fwrite(&s, sizeof s, 1, out) != 1) { perror("fwrite"); return 1; }
        printf("%u %u\n", (unsigned) s.gfn, (unsigned) s.xwr);
    }
    return fclose(out) == 0 ? 0 : 1;
}
