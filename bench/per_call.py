#!/usr/bin/env python3
"""Per-call figures for bench/run.sh (issue 9): figures that do not depend on how much CPU
the hypervisor lends us at the moment (this VM shows 0-30 % steal).

  per_call.py callgrind FILE FUNCTION   instructions per call of FUNCTION, from a callgrind
                                        run with --toggle-collect=*FUNCTION* (the total
                                        collected divided by the calls into it)
  per_call.py strace FILE REQUESTS      system calls per request, from `strace -c -f`
"""
import re
import sys


def callgrind(path, function):
    text = open(path).read()
    total = int(re.search(r"^totals: (\d+)", text, re.M).group(1))
    names = {m.group(1): m.group(2)
             for m in re.finditer(r"^c?fn=\((\d+)\) (.+)$", text, re.M)}
    ids = {i for i, name in names.items() if function in name and "closure" not in name}
    lines = text.splitlines()
    calls = sum(int(lines[i + 1].split("=")[1].split()[0])
                for i, line in enumerate(lines[:-1])
                if (m := re.match(r"^cfn=\((\d+)\)", line)) and m.group(1) in ids
                and lines[i + 1].startswith("calls="))
    if not calls:
        sys.exit(f"no calls into {function} in {path}")
    print(f"{total / calls:.0f}")


def strace(path, requests):
    counts = {}
    for line in open(path):
        parts = line.split()
        if len(parts) >= 5 and parts[0][0].isdigit() and parts[-1] != "total":
            counts[parts[-1]] = int(parts[3])
    requests = max(int(requests), 1)
    top = sorted(counts.items(), key=lambda kv: -kv[1])[:8]
    print(f"{sum(counts.values()) / requests:.1f} syscalls/request ("
          + ", ".join(f"{name} {n / requests:.1f}" for name, n in top) + ")")


if __name__ == "__main__":
    kind, path, arg = sys.argv[1:4]
    {"callgrind": callgrind, "strace": strace}[kind](path, arg)
