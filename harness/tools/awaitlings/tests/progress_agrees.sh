#!/usr/bin/env bash
# awaitlings list and the progress report (progress.cmake) read the same results files: on the
# same chapters they must say the same thing — passed/total and status for each — including a
# skipped test, a save within the second of a grading (stale), and a chapter whose last build
# failed. The report must then not welcome the learner to a built workbook.
#   progress_agrees.sh <awaitlings> <progress.cmake> <cmake>
set -u
awaitlings=$1
progress=$2
cmake=$3
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
source_dir=$root/src
build=$root/build

result() {  # result <chapter> <test> <status> <reason>
  mkdir -p "$build/results/$1"
  printf 'chapter=%s\ntest=%s\nstatus=%s\nreason=%s\nmessage=m\n' "$1" "$2" "$3" "$4" \
    > "$build/results/$1/$2.result"
}
for chapter in 01-done 02-half 03-untouched 04-unrun 05-skipping 06-stale 07-broken; do
  mkdir -p "$source_dir/chapters/$chapter"
  echo 'aio::todo("x");' > "$source_dir/chapters/$chapter/exercise.cpp"
  touch -d '2026-01-01 10:00:00.100' "$source_dir/chapters/$chapter/exercise.cpp"
done
mkdir -p "$source_dir/chapters/08-coming" "$source_dir/chapters/Notes"  # no exercise: no chapter
echo lesson > "$source_dir/chapters/08-coming/README.md"
result 01-done A.one passed none
result 01-done A.two passed none
result 02-half A.one passed none
result 02-half A.two failed check
result 03-untouched A.one failed not_started
result 05-skipping A.one passed none
result 05-skipping A.two skipped none
result 06-stale A.one passed none
result 07-broken A.one passed none
touch "$build/results/07-broken/build-failed"
touch -d '2026-01-01 10:00:00.200' "$build"/results/*/*.result
# Saved 0.5 s after its grading, within the same second.
touch -d '2026-01-01 10:00:00.700' "$source_dir/chapters/06-stale/exercise.cpp"

from_list=$("$awaitlings" --plain --source "$source_dir" --build "$build" list |
  sed -n 's/^ *\(> \)\{0,1\}\([0-9][0-9]-[a-z-]*\) *\([-0-9/]*\) *[^ ]* *\(.*\)$/\2 \3 \4/p')
report=$("$cmake" -DRESULTS="$build/results" -DSOURCE="$source_dir" -DBUILD="$build" \
  -P "$progress" 2>&1)
from_report=$(echo "$report" | sed 's/ *<- next$//' |
  sed -n 's/^  \([0-9][0-9]-[a-z-]*\) *\([-0-9/]*\) *\(.*\)$/\1 \2 \3/p')
expected="01-done 2/2 done
02-half 1/2 in progress
03-untouched 0/1 not started
04-unrun - not run yet
05-skipping 1/1 done
06-stale 1/1 done, stale
07-broken 1/1 does not compile"
status=0
if [[ $from_list != "$expected" ]]; then
  echo "awaitlings list says:"; echo "$from_list"; status=1
fi
if [[ $from_report != "$expected" ]]; then
  echo "the progress report says:"; echo "$from_report"; status=1
fi
if [[ $report == *"Everything is built"* || $report != *"Does not compile: 07-broken"* ]]; then
  echo "the report's ending ignores the failed build:"; echo "$report"; status=1
fi
[[ $status == 0 ]] && echo "awaitlings list and progress.cmake agree on every chapter"
exit $status
