#!/usr/bin/env bash
# A learner's first minutes, part 2: `awaitlings` in a real terminal (tmux, 80x24), driven the way
# a person would, on the fresh clone fresh_clone.sh made:
#   1. it opens chapter 01 in watch mode: failing, "not started";
#   2. the solution is written into exercise.cpp: it passes and moves on to chapter 02;
#   3. h shows hints in order (level 1, then level 2); l shows the list with its bars;
#   4. q quits and leaves the terminal as it was; so does Ctrl-C;
#   5. `awaitlings reset 01` restores the project's stub after the learner committed their own
#      solution, and keeps a backup;
#   6. editing exercise.cpp and running the plain ctest command never reports the old verdict.
#
#   e2e_tmux.sh <the clone>
#
# Exits 77 (ctest: skipped) when tmux is not installed.
set -euo pipefail

clone=$(cd "$1" && pwd)
if ! command -v tmux >/dev/null 2>&1; then
  echo "tmux is not installed: skipped"
  exit 77
fi
cd "$clone"
[[ -x build/workbook/awaitlings ]] || { echo "no workbook build in $clone" >&2; exit 1; }

socket="awaitlings-e2e-$$"
session=e2e
trap 'tmux -L "$socket" kill-server >/dev/null 2>&1 || true' EXIT

screen() { tmux -L "$socket" capture-pane -p -t "$session"; }
keys() { tmux -L "$socket" send-keys -t "$session" "$@"; }

fail() {
  echo "e2e: $*" >&2
  echo "--- the screen:" >&2
  screen >&2 || true
  exit 1
}

# wait_for <text> [seconds]: until the screen shows the text.
wait_for() {
  local text=$1 limit=${2:-60} start=$SECONDS
  while ((SECONDS - start < limit)); do
    if screen | grep -qF -- "$text"; then return 0; fi
    sleep 0.3
  done
  fail "waited ${limit} s for: $text"
}

# start <session command>: a new 80x24 terminal running the command. The pane's shell ignores
# SIGINT itself, so that after Ctrl-C ends awaitlings it goes on to report the terminal's modes.
start() {
  cat >"$clone/.e2e-pane.sh" <<SCRIPT
trap '' INT
cd "$clone"
$1
echo "EXITED-\$?"
echo "MODES: \$(stty -a | tr ' ;' '\n\n' | grep -x -- '-\?icanon\|-\?echo' | tr '\n' ' ')"
sleep 600
SCRIPT
  tmux -L "$socket" kill-server >/dev/null 2>&1 || true
  tmux -L "$socket" new-session -d -s "$session" -x 80 -y 24 "bash $clone/.e2e-pane.sh"
}

echo "1. awaitlings opens chapter 01"
start "./build/workbook/awaitlings"
wait_for "awaitlings  01-coroutines" 60
wait_for "not started" 300  # chapter 01 is graded first (nothing recorded yet)
wait_for "First failing test: Greeting."
wait_for "h hint  n next chapter  l list  r grade again  q quit"
screen | grep -qF "0/13 passed" || fail "chapter 01 should show 0/13 passed"

echo "2. the solution is saved: chapter 01 passes, watch moves on to 02"
# Saved as vim and many IDEs do: a new file renamed over the old one (a new inode), not written
# in place, which a watch on the file itself would miss.
cp solutions/01-coroutines/exercise.cpp chapters/01-coroutines/.exercise.cpp.swp
mv chapters/01-coroutines/.exercise.cpp.swp chapters/01-coroutines/exercise.cpp
wait_for "01-coroutines is done: all 13 tests pass!" 300
wait_for "awaitlings  02-await" 60
wait_for "Next: 02-await. Read chapters/02-await/README.md"
wait_for "First failing test: LongProcess." 300

echo "3. h shows the hints in order, l the list"
keys h
wait_for "Hint for exercise 1, long_process (level 1 of 3):"
keys h
wait_for "Hint for exercise 1, long_process (level 2 of 3):"
keys l
wait_for "awaitlings: your chapters"
screen | grep -E "^    01-coroutines +13/13 +\[[^]]*\]  done" >/dev/null ||
  fail "the list should show 01-coroutines 13/13 done with a full bar"
screen | grep -E "^  > 02-await +0/12 " >/dev/null || fail "the list should mark 02-await current"
keys x
wait_for "h hint  n next chapter"
# n on an unfinished chapter asks first; any key but y stays.
keys n
wait_for "Move on to 03-running anyway?"
keys x
sleep 0.5
screen | grep -qF "awaitlings  02-await" || fail "answering no should stay on 02-await"

echo "4. q quits and the terminal is as it was"
keys q
wait_for "EXITED-0"
wait_for "MODES: icanon echo"
# The hint levels shown are remembered between runs.
grep -qx "hints.02-await.1=2" build/workbook/awaitlings.state ||
  fail "the state file should remember 2 hint levels of 02-await's exercise 1"
grep -qx "current=02-await" build/workbook/awaitlings.state || fail "current should be 02-await"
# So is the level reached: the next hint is level 3, without watch.
./build/workbook/awaitlings --plain hint | grep -qF "(level 3 of 3)" ||
  fail "awaitlings hint should go on with level 3"

echo "   Ctrl-C quits and the terminal is as it was"
start "./build/workbook/awaitlings"
wait_for "awaitlings  02-await"
wait_for "h hint  n next chapter"
keys C-c
wait_for "EXITED-130"
wait_for "MODES: icanon echo"
tmux -L "$socket" kill-server >/dev/null 2>&1 || true

echo "5. reset restores the project's stub, even after the learner committed a solution"
git commit -q -am "my solution of chapter 01"
project_stub=$(git show "$(git rev-list --max-parents=0 HEAD)":chapters/01-coroutines/exercise.cpp)
./build/workbook/awaitlings reset 01 --yes
[[ "$(cat chapters/01-coroutines/exercise.cpp)" == "$project_stub" ]] ||
  fail "reset did not restore the project's stub"
backups=(chapters/01-coroutines/exercise.cpp.backup-*)
[[ -f "${backups[0]}" ]] || fail "reset kept no backup"
cmp -s "${backups[0]}" solutions/01-coroutines/exercise.cpp || fail "the backup is not the solution"
rm -f chapters/01-coroutines/exercise.cpp.backup-*
echo "   two resets in a row keep two backups; a deleted exercise.cpp comes back"
echo "// mine, once" >>chapters/01-coroutines/exercise.cpp
./build/workbook/awaitlings reset 01 --yes >/dev/null || fail "the first of two resets failed"
echo "// mine, twice" >>chapters/01-coroutines/exercise.cpp
./build/workbook/awaitlings reset 01 --yes >/dev/null || fail "the second of two resets failed"
backups=(chapters/01-coroutines/exercise.cpp.backup-*)
((${#backups[@]} == 2)) || fail "two resets kept ${#backups[@]} backup(s), expected 2"
rm chapters/01-coroutines/exercise.cpp
./build/workbook/awaitlings reset 01 --yes >/dev/null || fail "reset of a deleted exercise.cpp failed"
[[ "$(cat chapters/01-coroutines/exercise.cpp)" == "$project_stub" ]] ||
  fail "reset did not bring back a deleted exercise.cpp"
rm -f chapters/01-coroutines/exercise.cpp.backup-*

echo "6. the plain ctest command never reports the old verdict"
list=$(./build/workbook/awaitlings --plain list)
grep -E "01-coroutines +13/13 .*done, stale" <<<"$list" >/dev/null ||
  fail "before grading again, list should show 01-coroutines done but stale:
$list"
ctest --preset workbook -L ch01 >ctest.log 2>&1 || true
list=$(./build/workbook/awaitlings --plain list)
grep -E "01-coroutines +0/13 .*not started$" <<<"$list" >/dev/null ||
  fail "after ctest -L ch01 on the stub, list should show 0/13 not started:
$list"
# A compile error: ctest runs none of the chapter's tests instead of grading the old binary.
echo "int broken = ;" >>chapters/01-coroutines/exercise.cpp
ctest --preset workbook -L ch01 >ctest.log 2>&1 && fail "ctest passed with a compile error"
grep -qF "ch01.build" ctest.log || fail "ctest did not rebuild chapter 01 first"
grep -qF "Not Run" ctest.log || fail "ctest should not run the graders of code that does not build"
if grep -qE "ch01\.Greeting\.[A-Za-z]+ \.+ +(Passed|\*\*\*Failed)" ctest.log; then
  fail "ctest graded the old binary"
fi
# The progress report after it says so, and does not welcome the learner to a built workbook.
grep -qF "Does not compile: 01-coroutines" ctest.log || fail "the report should say 01 does not compile"
grep -qF "Everything is built" ctest.log && fail "the report welcomed the learner after a failed build"
list=$(./build/workbook/awaitlings --plain list)
grep -qE "01-coroutines .*does not compile" <<<"$list" ||
  fail "list should show 01-coroutines as not compiling:
$list"
git checkout -q chapters/01-coroutines/exercise.cpp
echo "e2e: ok"
