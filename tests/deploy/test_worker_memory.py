"""A gunicorn worker gives the large blocks a big page is built in back to the system
(``gunicorn.conf.py``'s ``post_fork``): glibc's malloc otherwise keeps them after the first
one is freed, and a worker's memory creeps up with every large page it renders."""

import ctypes.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Frees a 1 MiB block (by default malloc then keeps blocks up to that size in its heap),
# builds forty 512 KiB strings, keeps the last (the heap's top) and prints how much more
# resident memory the process has than before.
PROBE = """
import runpy, sys
conf = runpy.run_path(sys.argv[1])
if sys.argv[2] == "post_fork":
    conf["post_fork"](None, None)  # what gunicorn calls in each new worker

def resident_kib():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])

before = resident_kib()
big = bytearray(1 << 20)
del big
held = [bytearray(512 << 10) for _ in range(40)]
for block in held:
    block[::4096] = b"x" * len(block[::4096])  # touched: resident
last = held[-1]
del held
print(resident_kib() - before)
"""


def grown_kib(mode: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(ROOT / "gunicorn.conf.py"), mode],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    return int(done.stdout)


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or "musl" in (ctypes.util.find_library("c") or ""),
    reason="glibc's malloc only (the image and the test machines run Debian)",
)
def test_a_worker_returns_the_large_blocks_a_page_is_built_in():
    kept_by_default = grown_kib("default")
    kept_tuned = grown_kib("post_fork")
    assert kept_by_default > 10 * 1024, kept_by_default  # 39 freed blocks of 512 KiB kept
    assert kept_tuned < 2 * 1024, kept_tuned  # only the one still held
