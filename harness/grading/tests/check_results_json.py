#!/usr/bin/env python3
"""Check the results.json the graders' main writes (Exercism's test-runner format, version 3) by
reading it back as another tool would, with Python's json module.

    check_results_json.py <solution grader> <mistaken grader> <mistake's test> <expected words>
                          <crashing grader> <crashing test> <scratch directory>

1. Every test of the solution grader, each in a process of its own and two at a time (as ctest
   -j2 runs them): results.json says pass, lists every test once in the grader's order, each
   "pass" with a null message, an "output" key and an integer task_id.
2. The mistaken grader's test alone: the file says fail; that test's message is the whole
   teaching text (the expected words, the hints pointer, the seed); tests not run are absent.
3. A grader whose test crashes: its entry is "error" and says what crashed (the signal, where),
   not the "did not finish" written when the test started.
"""
import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor


def fail(message: str) -> None:
    print("results.json check failed: " + message)
    sys.exit(1)


def list_tests(grader: str) -> list:
    listing = subprocess.run([grader, "--gtest_list_tests"], check=True, capture_output=True,
                             text=True).stdout
    tests, suite = [], ""
    for line in listing.splitlines():
        if not line.strip():
            continue
        if not line.startswith(" "):
            suite = line.split()[0]
        else:
            tests.append(suite + line.split()[0])
    return tests


def run_test(grader: str, test: str, results: str) -> int:
    env = dict(os.environ, AWAITLINGS_RESULTS_DIR=results)
    return subprocess.run([grader, "--gtest_filter=" + test], env=env, capture_output=True,
                          timeout=60).returncode


def read_report(results: str) -> dict:
    chapters = [d for d in os.listdir(results) if os.path.isdir(os.path.join(results, d))]
    if len(chapters) != 1:
        fail(f"expected one chapter folder under {results}, found {chapters}")
    path = os.path.join(results, chapters[0], "results.json")
    if not os.path.exists(path):
        fail(f"no {path}")
    with open(path, encoding="utf-8") as f:
        report = json.load(f)
    if report.get("version") != 3:
        fail(f"version is {report.get('version')!r}, expected 3")
    if "message" not in report or not isinstance(report.get("tests"), list):
        fail("the top level needs 'message' and a 'tests' list")
    for entry in report["tests"]:
        for key in ("name", "status", "message", "output"):
            if key not in entry:
                fail(f"test entry without '{key}': {entry}")
        if entry["status"] not in ("pass", "fail", "error"):
            fail(f"test status {entry['status']!r} is not pass, fail or error")
    return report


def fresh(path: str) -> str:
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def check_solution(grader: str, scratch: str) -> None:
    results = fresh(os.path.join(scratch, "solution"))
    tests = list_tests(grader)
    with ThreadPoolExecutor(max_workers=2) as pool:
        codes = list(pool.map(lambda test: run_test(grader, test, results), tests))
    if any(codes):
        fail(f"the solution grader failed: exit codes {codes}")
    report = read_report(results)
    if report["status"] != "pass":
        fail(f"status is {report['status']!r} on the solution, expected pass")
    names = [entry["name"] for entry in report["tests"]]
    if names != tests:
        fail(f"tests are {names}, expected the grader's {tests}")
    for entry in report["tests"]:
        if entry["status"] != "pass" or entry["message"] is not None:
            fail(f"a passing test should be status pass, message null: {entry}")
        if not isinstance(entry.get("task_id"), int) or entry["task_id"] < 1:
            fail(f"no task_id for {entry['name']}")
    print(f"solution: {len(tests)} tests pass, in order, with task ids "
          f"{sorted({entry['task_id'] for entry in report['tests']})}")


def check_mistake(grader: str, test: str, words: str, scratch: str) -> None:
    results = fresh(os.path.join(scratch, "mistake"))
    if run_test(grader, test, results) == 0:
        fail("the mistaken grader passed")
    report = read_report(results)
    if report["status"] != "fail":
        fail(f"status is {report['status']!r} with a failing test, expected fail")
    if [entry["name"] for entry in report["tests"]] != [test]:
        fail(f"expected only {test}, found {[entry['name'] for entry in report['tests']]}")
    entry = report["tests"][0]
    message = entry["message"] or ""
    if entry["status"] != "fail":
        fail(f"a failed check should be status fail: {entry}")
    for expected in (words, "Hints, gentlest first:", "AWAITLINGS_SEED="):
        if expected not in message:
            fail(f"the message lacks {expected!r}:\n{message}")
    if "\n" not in message:
        fail("the message should be the whole teaching text, on several lines")
    print(f"mistake: {test} is fail with the teaching text ({len(message)} characters)")


def check_crash(grader: str, test: str, scratch: str) -> None:
    results = fresh(os.path.join(scratch, "crash"))
    if run_test(grader, test, results) == 0:
        fail("the crashing grader exited with 0")
    entry = read_report(results)["tests"][0]
    message = entry["message"] or ""
    if entry["status"] != "error" or "Crashed (SIGSEGV" not in message:
        fail(f"a crashed test should be status error, with the crash's text: {entry}")
    if "did not finish" in message:
        fail(f"a crashed test's message is still the placeholder written at its start: {entry}")
    print(f"crash: {test} is error, 'Crashed (SIGSEGV...'")


def main() -> None:
    if len(sys.argv) != 8:
        fail("usage: check_results_json.py <solution grader> <mistaken grader> <test> <words> "
             "<crashing grader> <crashing test> <scratch>")
    solution, mistake, mistake_test, words, crashing, crashing_test, scratch = sys.argv[1:]
    check_solution(solution, scratch)
    check_mistake(mistake, mistake_test, words, scratch)
    check_crash(crashing, crashing_test, scratch)
    print("results.json: ok")


if __name__ == "__main__":
    main()
