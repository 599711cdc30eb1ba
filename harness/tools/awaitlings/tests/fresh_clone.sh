#!/usr/bin/env bash
# A learner's first minutes, part 1: a fresh clone and the README's first command.
#
#   fresh_clone.sh <source folder> <scratch folder>
#
# Copies the source tree (tracked and new files, as a clone would have them: not build/) to
# <scratch>/awaitlings, makes it a git repository whose one commit is "the project's", and runs
# `cmake --workflow --preset workbook` in it. That must succeed and end with the welcome that
# names ./build/workbook/awaitlings, not with ctest's "Errors while running CTest".
# The copy is left for the tests that follow (e2e_tmux.sh, clangd_stubs.sh).
set -euo pipefail

source_dir=$(cd "$1" && pwd)
scratch=$2
clone=$scratch/awaitlings

fail() {
  echo "fresh clone: $*" >&2
  exit 1
}

rm -rf "$scratch"
mkdir -p "$clone"

# The working tree as a clone would see it: tracked files and new ones git does not ignore.
if git -C "$source_dir" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  while IFS= read -r -d '' file; do
    [[ -e "$source_dir/$file" ]] && printf '%s\0' "$file"
  done < <(git -C "$source_dir" ls-files -co --exclude-standard -z) |
    (cd "$source_dir" && xargs -0 cp --parents -t "$clone")
else
  tar -C "$source_dir" --exclude=./build --exclude=./.git -cf - . | tar -C "$clone" -xf -
fi

cd "$clone"
git init -q
git add -A
git -c user.name="The project" -c user.email=project@awaitlings.invalid commit -q -m "a fresh clone"
# From here on, commits are the learner's.
git config user.name "A learner"
git config user.email learner@awaitlings.invalid

echo "fresh clone in $clone: cmake --workflow --preset workbook"
start=$SECONDS
if ! cmake --workflow --preset workbook >workflow.log 2>&1; then
  tail -n 40 workflow.log
  fail "the README's first command failed (log: $clone/workflow.log)"
fi
echo "built in $((SECONDS - start)) s"

last_lines=$(tail -n 12 workflow.log)
echo "--- its last lines:"
echo "$last_lines"
grep -qF "./build/workbook/awaitlings" <<<"$last_lines" ||
  fail "the first command does not end by saying what to run next (./build/workbook/awaitlings)"
grep -qF "Welcome to awaitlings" <<<"$last_lines" || fail "no welcome at the end"
if grep -qF "Errors while running CTest" <<<"$last_lines"; then
  fail "the first command ends with ctest's errors"
fi
[[ -x build/workbook/awaitlings ]] || fail "no build/workbook/awaitlings"
echo "fresh clone: ok"
