#!/usr/bin/env bash
# `tierscope mrc --exact` against a C program doing the same exact computation (fenwick_mrc.c: a Fenwick
# tree over access times) on the same text traces, both timed whole (start-up, parsing, output) with
# /usr/bin/time in the same run. Prints a markdown table: best of RUNS elapsed seconds each, CPU seconds
# (user + sys) and peak RSS of that run, and the ratio tierscope / C.
#   benchmarks/mrc-vs-c/bench.sh [RUNS]      (default 3; traces and binaries go to $TMPDIR)
# Needs gcc, awk and GNU time. The tierscope launcher builds the app when it is out of date, and makes
# its class-data-sharing archive on its first run: one untimed warm-up run per trace does both.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
runs="${1:-3}"
work="$(mktemp -d "${TMPDIR:-/tmp}/tierscope-mrc-vs-c.XXXXXX")"
trap 'rm -rf "$work"' EXIT

gcc -O2 -Wall -o "$work/fenwick_mrc" "$here/fenwick_mrc.c" -lm

# small: 24M references over 11K pages (70% a loop over 8K pages, 30% uniform over 11K);
# large: 24M references over about 1.5M pages (60% a loop over 300K pages, 40% uniform over 2M).
awk 'BEGIN { srand(1); for (i = 0; i < 24000000; i++) print (rand() < 0.7 ? i % 8000 : int(rand() * 11000)) }' > "$work/small.csv"
awk 'BEGIN { srand(2); for (i = 0; i < 24000000; i++) print (rand() < 0.6 ? 5000000 + i % 300000 : int(rand() * 2000000)) }' > "$work/large.csv"

# best_of LABEL CMD...: runs CMD $runs times, prints "elapsed cpu rss_mb" of the fastest run.
best_of() {
  local best=""
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" > "$work/out.csv" 2> "$work/err" || { cat "$work/err" >&2; exit 1; }
    read -r e u s m < "$work/time"
    line="$e $(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }') $((m / 1024))"
    if [ -z "$best" ] || awk -v a="$e" -v b="${best%% *}" 'BEGIN { exit !(a < b) }'; then best="$line"; fi
  done
  echo "$best"
}

echo "| trace | references | distinct pages | C (fenwick_mrc.c) elapsed / CPU / RSS | tierscope mrc --exact elapsed / CPU / RSS | ratio (elapsed) |"
echo "|---|---|---|---|---|---|"
for t in small large; do
  "$root/tierscope" mrc --exact --trace "$work/$t.csv" --out "$work/warm.csv" 2> /dev/null # build, CDS archive
  c=($(best_of "$work/fenwick_mrc" "$work/$t.csv"))
  pages="$(sed -n 's/.*footprint \([0-9]*\) pages.*/\1/p' "$work/err")"
  j=($(best_of "$root/tierscope" mrc --exact --trace "$work/$t.csv"))
  ratio="$(awk -v a="${j[0]}" -v b="${c[0]}" 'BEGIN { printf "%.2f", a / b }')"
  echo "| $t ($(du -m "$work/$t.csv" | cut -f1) MB csv) | 24M | $pages | ${c[0]} s / ${c[1]} s / ${c[2]} MB | ${j[0]} s / ${j[1]} s / ${j[2]} MB | $ratio |"
done
echo
echo "($runs runs each, best elapsed; $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load average $(cut -d' ' -f1-3 /proc/loadavg) at the end)"
