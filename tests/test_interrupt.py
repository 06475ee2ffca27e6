"""Ctrl-C reaches ``tkg`` as one line and exit code 130, whether it comes while the command
line is still being imported or while a command waits on the network.

The signal is sent at a moment the test knows, not after a guessed delay: during the import
of click (through an import hook in the child), or once a silent loopback server has
accepted the command's connection.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

from turkestan_kg.errors import INTERRUPTED

TKG = Path(sys.executable).with_name("tkg")

# the child imports the console entry point, then sends itself SIGINT the moment Python
# looks for click, which the command line imports first
INTERRUPT_DURING_IMPORT = """
import os, signal, sys
from turkestan_kg.console import main

class Interrupt:
    def find_spec(self, name, path=None, target=None):
        if name == "click":
            sys.meta_path.remove(self)
            os.kill(os.getpid(), signal.SIGINT)
        return None

sys.meta_path.insert(0, Interrupt())
sys.argv = ["tkg", "queries"]
main()
"""


def assert_interrupted(process: subprocess.Popen[bytes]) -> None:
    _, err = process.communicate(timeout=60)
    text = err.decode()
    assert process.returncode == INTERRUPTED, text
    assert "Traceback" not in text, text
    assert text.strip().splitlines()[-1] == "Interrupted.", text


def test_ctrl_c_while_the_command_line_is_imported(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", INTERRUPT_DURING_IMPORT],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert_interrupted(process)


def test_ctrl_c_while_a_command_waits_on_an_endpoint(tmp_path: Path) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        accepted = threading.Event()

        def accept() -> None:
            connection, _ = listener.accept()
            accepted.set()
            threading.Event().wait(30)  # say nothing until the test is over
            connection.close()

        threading.Thread(target=accept, daemon=True).start()
        process = subprocess.Popen(
            [str(TKG), "query", "-e", "ASK {}", "--endpoint", f"http://127.0.0.1:{port}/sparql"],
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        assert accepted.wait(60), "tkg never connected"
        os.kill(process.pid, signal.SIGINT)
        assert_interrupted(process)
    assert list(tmp_path.iterdir()) == []
