#!/usr/bin/env bash
# The concurrency and PostgreSQL test files, run STRESS_RUNS times in a row (default 10) with the README's
# test command while a CPU hog (STRESS_HOGS busy processes, default 2: one per core of the two-core machine
# the project is sized for) runs beside them. A burst that only passes on an idle machine, or a test that
# does not wait for its own work, fails here. Stops at the first failing run and names its files.
# Usage: npm run test:stress   (on a shared machine: nice -n 5 npm run test:stress; the hog inherits it)
set -u
cd "$(dirname "$0")/.."

runs=${STRESS_RUNS:-10}
hogs=${STRESS_HOGS:-2}
logs=${STRESS_LOG_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/dc-stress-XXXXXX")}
mkdir -p "$logs"

# Every PostgreSQL suite declares itself through tests/helpers/postgres.ts, so a new one is picked up here;
# the concurrency files that are not PostgreSQL suites are named.
mapfile -t files < <(
  {
    grep -rlE 'describePostgres|describeEachStorage|createTestPostgres' tests --include='*.test.ts'
    printf '%s\n' \
      tests/tracking/concurrent-submissions.test.ts \
      tests/multi-instance.test.ts \
      tests/tracking/actions.test.ts \
      tests/tracking/stats.test.ts \
      tests/delivery/outbox.test.ts \
      tests/lookup/census-geocoder.test.ts
  } | sort -u
)

hog_pids=()
stop_hogs() {
  if [ ${#hog_pids[@]} -gt 0 ]; then kill "${hog_pids[@]}" 2>/dev/null; fi
  hog_pids=()
}
trap stop_hogs EXIT
trap 'exit 130' INT TERM

for _ in $(seq "$hogs"); do
  node -e 'for (;;);' &
  hog_pids+=($!)
done

echo "stress: ${#files[@]} files, $runs runs, $hogs CPU hog(s) (pids ${hog_pids[*]}), $(nproc) cores, logs in $logs"
printf '  %s\n' "${files[@]}"
started=$(date -u +%FT%TZ)
for run in $(seq "$runs"); do
  log="$logs/run-$run.log"
  begin=$(date +%s)
  npm test -- "${files[@]}" >"$log" 2>&1
  status=$?
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  summary=$(grep -E '^Tests: ' "$log" | tail -1)
  echo "run $run/$runs: exit $status in $(($(date +%s) - begin)) s; load average $load; ${summary:-no Jest summary}"
  if [ "$status" -ne 0 ]; then
    echo "stress: run $run failed; failing files:"
    grep -E '^FAIL ' "$log" | sed 's/^/  /'
    grep -E '^  ● ' "$log" | sort -u | sed 's/^/  /'
    echo "full output: $log"
    exit 1
  fi
done
echo "stress: $runs of $runs runs passed ($started to $(date -u +%FT%TZ)); logs in $logs"
