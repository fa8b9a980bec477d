"""deploy/tick-loop.sh runs tick once a minute (here: every 0.2 s) and stops at SIGTERM."""

import os
import signal
import subprocess
import time

from core.config import PROJECT_ROOT


def test_tick_loop_repeats_survives_failures_and_stops_on_sigterm(tmp_path):
    counter = tmp_path / "ticks"
    fake = tmp_path / "fake-kommissorium"
    # Every second tick fails: the loop must go on.
    fake.write_text(
        "#!/bin/sh\n"
        f'echo "$1" >> "{counter}"\n'
        f'[ $(wc -l < "{counter}") -ne 2 ]\n'
    )
    fake.chmod(0o755)
    env = {**os.environ, "KOMMISSORIUM": str(fake), "TICK_INTERVAL": "0.2"}
    proc = subprocess.Popen([str(PROJECT_ROOT / "deploy" / "tick-loop.sh")], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if counter.exists() and len(counter.read_text().split()) >= 4:
                break
            time.sleep(0.05)
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=5)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    assert time.monotonic() - started < 5
    assert set(counter.read_text().split()) == {"tick"}
    assert len(counter.read_text().split()) >= 4
    assert "tick failed (exit 1)" in err
    assert "stopping" in out
