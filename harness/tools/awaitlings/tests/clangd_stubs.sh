#!/usr/bin/env bash
# The editor works as it is: from the root of a fresh clone after the first command (made by
# fresh_clone.sh), clangd with no flags reports 0 errors on every chapter's stub. The committed
# .clangd points it at build/workbook/compile_commands.json.
#
#   clangd_stubs.sh <the clone>
#
# Exits 77 (ctest: skipped) when clangd is not installed.
set -euo pipefail

clone=$1
if ! command -v clangd >/dev/null 2>&1; then
  echo "clangd is not installed: skipped"
  exit 77
fi
cd "$clone"
[[ -f .clangd ]] || { echo "no .clangd at the root of the clone" >&2; exit 1; }

problems=0
for exercise in chapters/[0-9][0-9]-*/exercise.cpp; do
  log=$(clangd --check="$exercise" 2>&1 || true)
  summary=$(grep -o "All checks completed, [0-9]* errors\?" <<<"$log" || true)
  if [[ $summary != "All checks completed, 0 errors" ]]; then
    echo "--- $exercise: ${summary:-clangd did not finish}"
    grep -E "^E\[" <<<"$log" | head -n 10 || true
    problems=$((problems + 1))
  else
    echo "$exercise: 0 errors"
  fi
done
if ((problems > 0)); then
  echo "clangd reports errors on $problems stub(s)" >&2
  exit 1
fi
echo "clangd: quiet on every stub"
