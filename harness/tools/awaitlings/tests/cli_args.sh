#!/usr/bin/env bash
# The command line as the README writes it: global options after the command as well as before
# it, and a chapter number alone meaning watch that chapter.
#   cli_args.sh <awaitlings> <source dir>
set -u
awaitlings=$1
source_dir=$2
build=$(mktemp -d)  # never configured: watch stops at "not built yet", after parsing
trap 'rm -rf "$build"' EXIT
failures=0

expect() {  # expect <words the output must hold> <arguments...>
  local words=$1
  shift
  local output
  output=$("$awaitlings" --source "$source_dir" --build "$build" "$@" 2>&1)
  if [[ $output != *"$words"* ]]; then
    echo "FAILED: awaitlings $*"
    echo "  expected: $words"
    echo "  got: ${output//$'\n'/$'\n       '}"
    failures=$((failures + 1))
  else
    echo "ok: awaitlings $*"
  fi
}

expect "your chapters" list --plain
expect "your chapters" --plain list
expect "not built yet" 02
expect "not built yet" 02 --plain --poll
expect "not built yet" watch 02 --poll
expect "not built yet" watch --plain --debounce 10
expect "not built yet" --poll
expect 'no chapter "nonsense"' nonsense
# --plain after the command really is plain: no escape sequences (the output is not a terminal
# here anyway, so also check that the flag is accepted at all).
expect "02-await" hint 02 --plain --exercise 1
exit $((failures > 0))
