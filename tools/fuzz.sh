#!/usr/bin/env bash
# Builds the libFuzzer targets with clang-14 (CMake preset "fuzz", into build-fuzz/) and runs
# each for SECONDS (default 60) over a temporary copy of its corpus, so the committed corpus
# only changes when someone merges into it on purpose.
#
#   tools/fuzz.sh [SECONDS] [NAME...]      e.g. tools/fuzz.sh 300 payload records
#
# NAME is a target as registered in tests/fuzz/CMakeLists.txt (gw_fuzz_target(NAME ...));
# default: all of them. Exits 1 if any target crashes, hangs, leaks or trips a sanitizer; the
# input that did it is kept in build-fuzz/fuzz-artifacts/ and belongs in tests/fuzz/corpus/NAME/
# once the bug is fixed. JOBS sets the build parallelism (default: nproc); BUILD_DIR another
# build directory than build-fuzz/; NICE runs the fuzzers at that niceness (a campaign on a
# shared machine: NICE=19); PARALLEL runs that many targets at once (default 1); TIMEOUT the
# seconds one input may take (default 10; a timeout is rerun alone before it counts: starved()).
#
# The campaign report (issue 13): every target's runs, runs per second, coverage (libFuzzer's
# cov: edges and ft: features at the end), corpus size and findings, as a table on stdout and
# as TSV in build-fuzz/fuzz-report.tsv. A full campaign is `tools/fuzz.sh 600` (every target
# 10 minutes: about 4 h 10 min for the 25 targets on one core, half that with PARALLEL=2);
# a smoke run `NICE=19 tools/fuzz.sh 60`.
set -euo pipefail

seconds=${1:-60}
[[ $# -gt 0 ]] && shift
if ! [[ $seconds =~ ^[0-9]+$ ]] || [[ $seconds -eq 0 ]]; then
    echo "usage: tools/fuzz.sh [SECONDS] [NAME...]" >&2
    exit 2
fi

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
build=${BUILD_DIR:-build-fuzz}

mapfile -t registered < <(sed -n 's/^gw_fuzz_target(\([A-Za-z0-9_]*\).*/\1/p' tests/fuzz/CMakeLists.txt)
if [[ $# -gt 0 ]]; then
    names=("$@")
    for n in "${names[@]}"; do
        if ! printf '%s\n' "${registered[@]}" | grep -qx "$n"; then
            echo "fuzz.sh: no fuzz target '$n' in tests/fuzz/CMakeLists.txt (have: ${registered[*]})" >&2
            exit 2
        fi
    done
else
    names=("${registered[@]}")
fi

cmake --preset fuzz -B "$build" >/dev/null
cmake --build "$build" -j "${JOBS:-$(nproc)}" --target "${names[@]/#/fuzz_}"

build=$(cd "$build" && pwd)
artifacts="$build/fuzz-artifacts"
logs="$build/fuzz-logs"
mkdir -p "$artifacts" "$logs"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Undefined behaviour counts as a crash, not as a line in a log nobody reads.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

report="$build/fuzz-report.tsv"
timeout=${TIMEOUT:-10}  # seconds one input may take

# A timeout on a shared machine may be a fuzzer starved of CPU (the 6 December campaign: two
# "timeouts" at nice 19 beside a build, whose inputs run in 0.2 s): the input is run again
# alone, at normal priority. It is a finding when it still passes TIMEOUT seconds; otherwise
# the rerun's time goes in the report and the target's run stands (its statistics are those
# of the run up to the timeout).
starved() {
    local n=$1 log=$2 input started took
    input=$(sed -n 's/.*Test unit written to \(.*timeout-[0-9a-f]*\).*/\1/p' "$log" | tail -1)
    [[ -n $input && -f $input ]] || return 1
    started=$(date +%s%N)
    timeout "$((timeout * 2))" "$build/fuzz/fuzz_$n" -timeout="$timeout" "$input" >"$log.rerun" 2>&1 || return 1
    took=$((($(date +%s%N) - started) / 10000000))  # hundredths of a second
    printf 'the input reruns alone in %d.%02d s' $((took / 100)) $((took % 100)) >"$work/$n.rerun"
    rm -f "$input"
}

# One target: its log, its row of the report in $work/NAME.row, $work/NAME.failed on a finding.
run_one() {
    local n=$1 corpus="$work/$1" log="$logs/$1.log" finding execs rate added last cov ft corp
    mkdir -p "$corpus"
    if [[ -d tests/fuzz/corpus/$n ]]; then cp -R "tests/fuzz/corpus/$n/." "$corpus/"; fi
    echo "fuzz.sh: $n for ${seconds}s ($(find "$corpus" -type f | wc -l) seeds)"
    if nice -n "${NICE:-0}" "$build/fuzz/fuzz_$n" -max_total_time="$seconds" -timeout="$timeout" -print_final_stats=1 \
        -artifact_prefix="$artifacts/$n-" "$corpus" >"$log" 2>&1; then
        execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        added=$(sed -n 's/^stat::new_units_added: *//p' "$log")
        finding=none
        echo "fuzz.sh: $n ok: ${execs:-?} runs, ${added:-?} new inputs"
    elif grep -q 'ERROR: libFuzzer: timeout' "$log" && starved "$n" "$log"; then
        finding="none: a timeout that did not reproduce ($(cat "$work/$n.rerun"))"
        echo "fuzz.sh: $n: $finding" >&2
    else
        finding=$(grep -m1 -oE '(ERROR: [A-Za-z]+: [a-z-]+|runtime error: .*|ERROR: libFuzzer: [a-z-]+)' "$log" || echo "exit status")
        echo "fuzz.sh: $n FAILED (log: $log)" >&2
        grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error:|artifact_prefix=.*Test unit written)' "$log" >&2 || tail -n 20 "$log" >&2
        touch "$work/$n.failed"
    fi
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    added=$(sed -n 's/^stat::new_units_added: *//p' "$log")
    last=$(grep -E '^#[0-9]+' "$log" | tail -1)
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
    corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$last")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$seconds" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" \
        "${corp:-?}" "${added:-?}" "$finding" >"$work/$n.row"
}

# PARALLEL targets at a time (default 1): a campaign on a 2-core box runs two.
parallel=${PARALLEL:-1}
for n in "${names[@]}"; do
    while [[ $(jobs -rp | wc -l) -ge $parallel ]]; do wait -n || true; done
    run_one "$n" &
done
wait

failed=()
printf 'target\tseconds\truns\truns_per_s\tcov\tft\tcorpus\tnew_inputs\tfinding\n' >"$report"
for n in "${names[@]}"; do
    cat "$work/$n.row" >>"$report"
    if [[ -e $work/$n.failed ]]; then failed+=("$n"); fi
done
column -t -s $'\t' "$report"

if [[ ${#failed[@]} -gt 0 ]]; then
    echo "fuzz.sh: failed: ${failed[*]}; reproducers in $artifacts" >&2
    exit 1
fi
echo "fuzz.sh: all ${#names[@]} targets ran ${seconds}s without a finding"
