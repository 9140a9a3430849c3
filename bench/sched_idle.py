#!/usr/bin/python3
"""bench/sched_idle.py — how much CPU time the scheduler left idle while work was waiting.

    perf record -e sched:sched_switch -e sched:sched_wakeup -e sched:sched_migrate_task \
        -a -o sched.data -- sleep 1          # while a load runs (e.g. wrk against serve)
    perf script -i sched.data -F cpu,time,event,trace > sched.txt
    bench/sched_idle.py sched.txt

Replays the trace: a thread is waiting from its wake-up (on the CPU the kernel chose) until
it is switched in. Prints, per CPU, the share of the traced time it was idle while another
CPU had threads waiting, and idle with nothing waiting anywhere; then the CPU time each
thread got (by name). BENCHMARKS.md uses it to show where single-PATCH throughput is lost.
"""
from __future__ import annotations

import collections
import re
import sys

EVENT = re.compile(r"\s*\[(\d+)\]\s+([\d.]+):\s+sched:(\w+):(.*)")


def field(rest: str, name: str) -> str:
    m = re.search(r"(?:^|\s)" + name + r"=(\S+)", rest)
    if not m:
        raise ValueError(f"no {name} in {rest!r}")
    return m.group(1)


def main(path: str) -> None:
    events = []
    for line in open(path):
        m = EVENT.match(line)
        if m:
            events.append((float(m.group(2)), int(m.group(1)), m.group(3), m.group(4)))
    if not events:
        sys.exit("no sched events in " + path)
    events.sort()
    cpus = sorted({cpu for _, cpu, _, _ in events})
    waiting: dict[int, set[int]] = {c: set() for c in cpus}
    running: dict[int, int | None] = {c: None for c in cpus}
    names: dict[int, str] = {0: "idle"}
    ran: collections.Counter[str] = collections.Counter()
    idle_with_waiting = collections.Counter()
    idle_none_waiting = collections.Counter()
    last = events[0][0]
    for t, cpu, kind, rest in events:
        dt = t - last
        last = t
        for c in cpus:
            if running[c] is None:
                continue
            if running[c] == 0:
                others = any(waiting[o] for o in cpus if o != c)
                (idle_with_waiting if others else idle_none_waiting)[c] += dt
            else:
                ran[names.get(running[c], "?")] += dt
        if kind == "sched_wakeup":
            pid, target = int(field(rest, "pid")), int(field(rest, "target_cpu"))
            names[pid] = field(rest, "comm")
            for c in cpus:
                waiting[c].discard(pid)
            if running.get(target) != pid:
                waiting.setdefault(target, set()).add(pid)
        elif kind == "sched_migrate_task":
            pid, dest = int(field(rest, "pid")), int(field(rest, "dest_cpu"))
            for c in cpus:
                if pid in waiting[c]:
                    waiting[c].discard(pid)
                    waiting[dest].add(pid)
        elif kind == "sched_switch":
            prev, nxt = int(field(rest, "prev_pid")), int(field(rest, "next_pid"))
            names[prev], names[nxt] = field(rest, "prev_comm"), field(rest, "next_comm")
            if prev != 0 and field(rest, "prev_state").startswith("R"):
                waiting[cpu].add(prev)  # preempted: still runnable here
            waiting[cpu].discard(nxt)
            running[cpu] = nxt
    span = events[-1][0] - events[0][0]
    print(f"traced {span:.3f} s on CPUs {cpus}")
    for c in cpus:
        print(f"  cpu{c}: idle while another CPU had threads waiting "
              f"{100 * idle_with_waiting[c] / span:5.1f}%, idle with none waiting "
              f"{100 * idle_none_waiting[c] / span:5.1f}%")
    print("CPU time by thread name (ms):")
    for name, secs in ran.most_common(12):
        print(f"  {name:18s} {secs * 1e3:8.1f}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
