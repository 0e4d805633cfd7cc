/*
 * The exact LRU miss-ratio curve of a text page trace, the way `tierscope mrc --exact` computes it:
 * a Fenwick tree over logical access times (1 at the time of each page's latest access), a hash map
 * page -> latest time; the stack distance of a reuse is the number of pages accessed since, plus 1.
 * Times are renumbered when they run out, so the tree stays about 4x the pages tracked.
 * Reads csv lines "page[,xwr[,vm]]" (only the page is used; one VM), writes
 * size_pages,size_bytes,miss_ratio at log-spaced sizes (4 per doubling) plus 32 linear ones up to
 * the footprint. The comparison baseline of bench.sh: no sampling, no histogram buckets.
 *
 *   gcc -O2 -o fenwick_mrc fenwick_mrc.c && ./fenwick_mrc trace.csv > curve.csv
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

static uint64_t *keys;   /* page + 1 (0 = empty) */
static uint64_t *times;
static uint64_t mask;
static uint64_t used;

static uint64_t mix(uint64_t x) {
    x ^= x >> 33; x *= 0xff51afd7ed558ccdULL; x ^= x >> 33; x *= 0xc4ceb9fe1a85ec53ULL; x ^= x >> 33;
    return x;
}

static void grow(void);

/* Slot of page p (inserted with time 0 when absent; *fresh tells). */
static uint64_t slot(uint64_t p, int *fresh) {
    uint64_t k = p + 1, i = mix(k) & mask;
    while (keys[i] != 0) {
        if (keys[i] == k) { *fresh = 0; return i; }
        i = (i + 1) & mask;
    }
    if ((used + 1) * 2 > mask + 1) { grow(); return slot(p, fresh); }
    keys[i] = k; times[i] = 0; used++; *fresh = 1;
    return i;
}

static void grow(void) {
    uint64_t *ok = keys, *ot = times, n = mask + 1;
    mask = 2 * n - 1; used = 0;
    keys = calloc(2 * n, 8); times = calloc(2 * n, 8);
    if (!keys || !times) { fprintf(stderr, "fenwick_mrc: out of memory\n"); exit(1); }
    for (uint64_t i = 0; i < n; i++) {
        if (ok[i]) { int f; uint64_t s = slot(ok[i] - 1, &f); times[s] = ot[i]; }
    }
    free(ok); free(ot);
}

static int32_t *tree;      /* Fenwick tree over times 1..cap */
static uint64_t cap;

static void add(uint64_t t, int32_t v) { for (; t <= cap; t += t & -t) tree[t] += v; }
static uint64_t prefix(uint64_t t) { uint64_t s = 0; for (; t > 0; t -= t & -t) s += tree[t]; return s; }

/* Renumbers the live times 1..n in order and sizes the tree for 4n (so at most once every 3n references). */
static int by_time(const void *a, const void *b) {
    uint64_t x = times[*(const uint64_t *) a], y = times[*(const uint64_t *) b];
    return x < y ? -1 : x > y;
}

static uint64_t now;

static void compact(void) {
    uint64_t *live = malloc(8 * (used + 1)), n = 0;
    for (uint64_t i = 0; i <= mask; i++) if (keys[i]) live[n++] = i;
    qsort(live, n, 8, by_time);
    for (uint64_t j = 0; j < n; j++) times[live[j]] = j + 1;
    free(live);
    free(tree);
    cap = 1024; while (cap < 4 * n) cap *= 2;
    tree = calloc(cap + 1, 4);
    for (uint64_t t = 1; t <= n; t++) tree[t] = 1;
    for (uint64_t t = 1; t <= cap; t++) { uint64_t up = t + (t & -t); if (up <= cap) tree[up] += tree[t]; }
    now = n;
}

static uint64_t *hist;     /* hist[d]: reuses at stack distance d */
static uint64_t hist_cap;

static int by_value(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: fenwick_mrc TRACE.csv\n"); return 2; }
    FILE *in = fopen(argv[1], "r");
    if (!in) { perror(argv[1]); return 1; }
    static char buf[1 << 20];
    setvbuf(in, NULL, _IOFBF, 1 << 20);
    mask = (1 << 16) - 1;
    keys = calloc(mask + 1, 8); times = calloc(mask + 1, 8);
    cap = 1024; tree = calloc(cap + 1, 4);
    hist_cap = 1 << 16; hist = calloc(hist_cap, 8);
    uint64_t refs = 0, cold = 0;
    while (fgets(buf, sizeof buf, in)) {
        char *s = buf;
        if (*s < '0' || *s > '9') continue; /* header or blank line */
        uint64_t p = 0;
        while (*s >= '0' && *s <= '9') p = p * 10 + (uint64_t) (*s++ - '0');
        if (now + 1 > cap) compact();
        now++; refs++;
        int fresh;
        uint64_t i = slot(p, &fresh);
        if (fresh) {
            cold++;
        } else {
            uint64_t d = prefix(now - 1) - prefix(times[i]) + 1; /* pages touched since, plus itself */
            if (d >= hist_cap) {
                uint64_t n = hist_cap; while (n <= d) n *= 2;
                hist = realloc(hist, n * 8); memset(hist + hist_cap, 0, (n - hist_cap) * 8); hist_cap = n;
            }
            hist[d]++;
            add(times[i], -1);
        }
        times[i] = now;
        add(now, 1);
    }
    fclose(in);
    if (refs == 0) { fprintf(stderr, "fenwick_mrc: no accesses\n"); return 1; }
    uint64_t footprint = used;
    /* within[c] = reuses at distance <= c (a cache of c pages hits them). */
    uint64_t n = footprint + 1, reuses = refs - cold;
    uint64_t *within = calloc(n, 8);
    for (uint64_t c = 1; c < n; c++) within[c] = within[c - 1] + (c < hist_cap ? hist[c] : 0);
    /* Sizes: log-spaced 4 per doubling plus 32 linear, deduplicated by a sorted merge. */
    uint64_t *sizes = malloc(8 * 4096); int k = 0;
    for (double x = 1; x < footprint; x *= pow(2, 0.25)) sizes[k++] = (uint64_t) llround(x);
    sizes[k++] = footprint;
    for (int j = 1; j <= 32; j++) { uint64_t v = (uint64_t) llround((double) footprint * j / 32); sizes[k++] = v < 1 ? 1 : v; }
    qsort(sizes, k, 8, by_value);
    printf("size_pages,size_bytes,miss_ratio\n");
    for (int j = 0; j < k; j++) {
        if (j > 0 && sizes[j] == sizes[j - 1]) continue;
        printf("%llu,%llu,%.6f\n", (unsigned long long) sizes[j], (unsigned long long) sizes[j] * 4096,
               (double) (cold + reuses - within[sizes[j]]) / refs);
    }
    fprintf(stderr, "fenwick_mrc: %llu references, footprint %llu pages, cold-miss ratio %.4f\n",
            (unsigned long long) refs, (unsigned long long) footprint, (double) cold / refs);
    return 0;
}
