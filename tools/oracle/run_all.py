"""Regenerates every fixture: runs each tools/oracle/gen_*.py in turn.

    pnpm oracle          # or: OPENBLAS_NUM_THREADS=1 /usr/bin/python3 tools/oracle/run_all.py

Needs PyTorch 1.13 (Debian: apt-get install -y python3-torch libopenblas0-pthread).
"""
import os
import runpy
import sys
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
here = Path(__file__).resolve().parent
sys.path.insert(0, str(here))
only = set(sys.argv[1:])
for script in sorted(here.glob("gen_*.py")):
    if only and script.stem[4:] not in only:
        continue
    print(f"== {script.name}")
    runpy.run_path(str(script), run_name="__main__")
