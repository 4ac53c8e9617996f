#!/usr/bin/env bash
# Soak: the simulated checkpoint (lanesim, cameras off, both demo registries syncing and taking
# uploads) against one gatewayd for DURATION, sampling gatewayd's RSS, open fds and threads
# every INTERVAL. Passes when every decision was right and the three figures are flat.
#
# usage: tools/campaigns/soak.sh [--duration SECONDS] [--interval SECONDS] [--build DIR] [--out DIR]
#   defaults: 7200 s, 60 s, build/, a new /tmp/soak-XXXXXX (kept: samples.tsv, lanesim.log)
#
# Flat means, over the samples after the warm-up: the first WARMUP samples (default 5: caches,
# the registries' first snapshots and the RocksDB memtables fill then) and, after them, until
# the console holds its 1000 decisions (gw_console_kept_passages): that list fills for about
# an hour at lanesim's pace and then stays, so the first hour's heap climbs by design (the 6
# December soak: heap in use net of the memtables +78 KiB a minute over 40 minutes, 15
# decisions a minute); hence two hours by default, judged over the time after it is full:
#   threads  max - min <= 2            (pools are fixed; a leak of threads shows at once)
#   fds      max - min <= 16           (sockets to the registries and lanes come and go)
#   RSS      net of RocksDB's bounded memory (memtables and block caches): least-squares slope
#            <= 256 KiB per minute (15 MiB an hour) and the last sample at most 16 MiB above the
#            first one after the warm-up. The memtables (gw_store_memtable_bytes on the
#            console's /metrics) hold written records until a flush: they grow with every
#            passage event up to their budget (16 MiB cache, 4 MiB outbox) and fall at the
#            flush, which takes longer than an hour of lanesim to come; the block caches
#            (gw_store_block_cache_bytes) fill up to their capacity (64 + 16 MiB). Both are
#            sampled beside RSS and judged apart (never above their budgets).
# Where a climb comes from, sampled from /metrics too and printed with their slopes (not
# judged): RocksDB's table readers (index and filters of the open files), the C heap in use
# (a leak) and free (fragmentation: arenas that grew and are not trimmed), and the raw RSS.
# Every decision right means lanesim printed no "BAD" line and its summary says right == total.
# Run it under nice on a shared machine: nice -n 10 tools/campaigns/soak.sh
set -u
DURATION=7200 INTERVAL=60 WARMUP=${WARMUP:-5}
BUILD=build OUT=
while (($#)); do
    case "$1" in
        --duration) DURATION=$2; shift 2 ;;
        --interval) INTERVAL=$2; shift 2 ;;
        --build) BUILD=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        -h|--help) sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "soak: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
LANESIM=$BUILD/bin/lanesim
[[ -x $LANESIM ]] || { echo "soak: $LANESIM not built (cmake --build $BUILD --target lanesim gatewayd registryd passctl)" >&2; exit 2; }
[[ -n $OUT ]] || OUT=$(mktemp -d /tmp/soak-XXXXXX)
mkdir -p "$OUT/bin"
# Its own copy of the binaries: a rebuild during the soak (the 6 December one's registry round
# failed "passctl: exit 127" while passctl was being relinked) must not reach it.
cp "$BUILD"/bin/{lanesim,gatewayd,registryd,passctl} "$OUT/bin/" || { echo "soak: cannot copy the binaries from $BUILD/bin" >&2; exit 2; }
LANESIM=$OUT/bin/lanesim
SAMPLES=$OUT/samples.tsv LOG=$OUT/lanesim.log

# --hold: after the rounds lanesim keeps running until SIGTERM, which also ends the rounds
# between two scenarios and shuts gatewayd down cleanly (its summary still follows).
"$LANESIM" --no-cameras --rounds 100000 --hold --dir "$OUT/run" --console-listen 127.0.0.1:0 >"$LOG" 2>&1 &
SIM=$!
trap 'kill -TERM $SIM 2>/dev/null; wait $SIM' INT TERM

gw_pid=
for _ in $(seq 300); do
    gw_pid=$(pgrep -P "$SIM" -x gatewayd | head -1)
    [[ -n $gw_pid ]] && break
    sleep 0.1
done
[[ -n $gw_pid ]] || { echo "soak: lanesim started no gatewayd (see $LOG)" >&2; kill -TERM $SIM; wait $SIM; exit 1; }

url=
for _ in $(seq 300); do
    url=$(sed -n 's/^console: \(https:[^ ]*\).*/\1/p' "$LOG" | head -1)
    [[ -n $url ]] && break
    sleep 0.1
done
[[ -n $url ]] || { echo "soak: lanesim printed no console address (see $LOG)" >&2; kill -TERM $SIM; wait $SIM; exit 1; }
# From /metrics, tab-separated KiB: memtables, block caches, table readers (each summed over the
# stores), heap in use, heap free; then the decisions the console keeps; empty when /metrics
# did not answer.
memory() {
    curl -sk --max-time 5 "${url%/}/metrics" | awk '
        /^gw_store_memtable_bytes\{/ { m += $2; n++ }   /^gw_store_block_cache_bytes\{/ { b += $2 }
        /^gw_store_table_readers_bytes\{/ { t += $2 }   /^gw_heap_in_use_bytes / { u = $2 }   /^gw_heap_free_bytes / { f = $2 }
        /^gw_console_kept_passages / { k = $2 }
        END { if (n) printf "%d\t%d\t%d\t%d\t%d\t%d", m / 1024, b / 1024, t / 1024, u / 1024, f / 1024, k }'
}

printf 'minute\trss_kib\tfds\tthreads\tdecisions\tmemtables_kib\tblock_cache_kib\ttable_readers_kib\theap_in_use_kib\theap_free_kib\tconsole_passages\n' >"$SAMPLES"
start=$(date +%s)
minute=0
while :; do
    [[ -d /proc/$gw_pid ]] || { echo "soak: gatewayd ($gw_pid) is gone after $minute min (see $LOG)" >&2; break; }
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$gw_pid/status")
    thr=$(awk '/^Threads:/ {print $2}' "/proc/$gw_pid/status")
    fds=$(ls "/proc/$gw_pid/fd" | wc -l)
    dec=$(grep -c '^ok \|^BAD ' "$LOG")
    mem=$(memory)
    [[ -n $mem ]] || { echo "soak: no memory figures from ${url%/}/metrics after $minute min" >&2; mem=$'-1\t-1\t-1\t-1\t-1\t-1'; }
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$minute" "$rss" "$fds" "$thr" "$dec" "$mem" | tee -a "$SAMPLES"
    now=$(date +%s)
    (( now - start >= DURATION )) && break
    next=$(( start + (minute + 1) * INTERVAL ))
    (( next > now )) && sleep $(( next - now ))
    minute=$(( minute + 1 ))
done
kill -TERM $SIM 2>/dev/null
wait $SIM
tail -8 "$LOG"

bad=$(grep -c '^BAD ' "$LOG")
summary=$(grep -o 'decisions right: [0-9]*/[0-9]*' "$LOG" | tail -1)
right=${summary#decisions right: }; total=${right#*/}; right=${right%/*}
clean=$(grep -c 'gatewayd SIGTERM: clean exit 0; barriers after shutdown: all closed' "$LOG")

verdict=$(awk -v warm="$WARMUP" -F'\t' '
    NR == 1 { next }
    $11 >= 1000 && full == "" { full = $1 }
    $1 < warm || $11 < 1000 { next }
    { n++; x = $1; y = $2 - $6 - $7; sx += x; sy += y; sxx += x * x; sxy += x * y; ry += $2; rxy += x * $2
      sxt += x * $8; st += $8; sxu += x * $9; su += $9; sxf += x * $10; sf += $10
      if ($6 < 0) nomem++
      if ($6 > mmax) mmax = $6
      if ($7 > bmax) bmax = $7
      if (n == 1) { rss0 = y; raw0 = $2; fmin = fmax = $3; tmin = tmax = $4 }
      rssl = y; rawl = $2
      if ($3 < fmin) fmin = $3; if ($3 > fmax) fmax = $3
      if ($4 < tmin) tmin = $4; if ($4 > tmax) tmax = $4 }
    END {
      if (n < 3) { print "too few samples after the warm-up and with the console full (" n + 0 "): run longer"; exit 1 }
      printf "the console held its 1000 decisions from minute %s\n", full
      slope = (n * sxy - sx * sy) / (n * sxx - sx * sx)
      d = n * sxx - sx * sx
      raw = (n * rxy - sx * ry) / d
      printf "samples %d after warm-up; rss net of memtables and block caches %d -> %d KiB (slope %.1f KiB/min); raw rss %d -> %d KiB (slope %.1f KiB/min); memtables at most %d KiB (budget 20480); block caches at most %d KiB (capacity 81920); fds %d..%d; threads %d..%d\n",
             n, rss0, rssl, slope, raw0, rawl, raw, mmax, bmax, fmin, fmax, tmin, tmax
      printf "slopes, KiB/min: table readers %.1f, heap in use %.1f, heap free %.1f\n",
             (n * sxt - sx * st) / d, (n * sxu - sx * su) / d, (n * sxf - sx * sf) / d
      if (nomem) print "memory figures unread in " nomem " samples"
      ok = !nomem && mmax <= 20480 && bmax <= 81920 && slope <= 256 && rssl - rss0 <= 16384 && fmax - fmin <= 16 && tmax - tmin <= 2
      print ok ? "flat: yes" : "flat: NO"
      exit ok ? 0 : 1 }' "$SAMPLES")
flat=$?
echo "$verdict"
echo "decisions: $right/$total right, BAD lines: $bad; clean shutdown: $([[ $clean -ge 1 ]] && echo yes || echo NO)"
echo "files: $OUT"
[[ $flat -eq 0 && $bad -eq 0 && -n $total && $right == "$total" && $total -gt 0 && $clean -ge 1 ]] && { echo "soak: PASS"; exit 0; }
echo "soak: FAIL"
exit 1
