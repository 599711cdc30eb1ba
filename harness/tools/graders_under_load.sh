#!/usr/bin/env bash
# A correct solution never fails because the machine is busy. This runs the given graders (built
# on the reference solutions) while busy loops keep every core occupied, several rounds, and
# fails if any grader test fails. On a busy machine every step is stretched by preemption; the
# slow-step diagnostic must tell that apart from a step that blocks the loop
# (harness/aio/include/aio/detail/step_monitor.hpp).
#
#   graders_under_load.sh <rounds> <grader> [<grader>...]
set -u
rounds=$1
shift

cores=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
busy=()
stop_busy() {
  ((${#busy[@]})) && kill "${busy[@]}" 2>/dev/null
  wait 2>/dev/null
}
trap stop_busy EXIT
# One more busy loop than there are cores: the graders always compete for a core.
for ((i = 0; i <= cores; ++i)); do
  (while :; do :; done) &
  busy+=($!)
done

failed=0
for ((round = 1; round <= rounds; ++round)); do
  for grader in "$@"; do
    if ! output=$("$grader" 2>&1); then
      echo "round $round: $(basename "$grader") FAILED under load:"
      echo "$output" | grep -v '^\[       OK \]' | tail -n 60
      failed=1
    fi
  done
done
if ((failed)); then
  echo "graders failed while $((cores + 1)) busy loops kept all $cores cores occupied"
  exit 1
fi
echo "all graders passed $rounds rounds with $((cores + 1)) busy loops on $cores cores"
