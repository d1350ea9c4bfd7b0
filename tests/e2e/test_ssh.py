"""newstui over ``ssh -tt`` to a private sshd on 127.0.0.1 with TERM=vt100."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import SEEDS
from tests.e2e.conftest import NEWSTUI, Tmux, cursor_line, need


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def sshd(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """A private sshd (own host key, own config, key login only); yields (port, client key)."""
    daemon = need("/usr/sbin/sshd")
    need("ssh")
    keygen = need("ssh-keygen")
    home = tmp_path / "ssh"
    home.mkdir(mode=0o700)
    for name in ("host", "client"):
        subprocess.run([keygen, "-q", "-t", "ed25519", "-N", "", "-f", str(home / name)],
                       check=True, timeout=30)
    (home / "authorized_keys").write_text((home / "client.pub").read_text())
    port = free_port()
    user = os.environ.get("USER") or subprocess.run(["id", "-un"], capture_output=True,
                                                    text=True).stdout.strip()
    config = home / "sshd_config"
    config.write_text(f"""Port {port}
ListenAddress 127.0.0.1
HostKey {home / 'host'}
PidFile {home / 'sshd.pid'}
AuthorizedKeysFile {home / 'authorized_keys'}
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
AllowUsers {user}
StrictModes no
UsePAM no
PrintMotd no
Subsystem sftp internal-sftp
""")
    Path("/run/sshd").mkdir(exist_ok=True)  # privilege separation dir on Debian
    proc = subprocess.Popen([daemon, "-D", "-e", "-f", str(config)], stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"sshd did not start: {proc.stderr.read().decode()}")
                time.sleep(0.05)
        yield port, home / "client"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_over_ssh_with_vt100(tmux: Tmux, sshd) -> None:
    port, key = sshd
    # ssh forwards no environment: the remote side gets its own fresh state and config.
    remote = (f"env TERM=vt100 LANG=C.UTF-8 NEWSTUI_STATE={key.parent / 'state.db'} "
              f"NEWSTUI_CONFIG={key.parent / 'config.yaml'} NEWSTUI_CACHE={key.parent / 'cache'} "
              f"{NEWSTUI} {SEEDS}")
    command = (f"ssh -tt -i {key} -p {port} -o StrictHostKeyChecking=no "
               f"-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR 127.0.0.1 '{remote}'")
    tmux.start(command, 80, 24, {"TERM": "xterm-256color"})
    tmux.wait_until(lambda s: "Kim in Russia" in cursor_line(s), timeout=30)
    tmux.keys("j", "j")
    tmux.wait_until(lambda s: "Chilean" in cursor_line(s))
    tmux.keys("/")
    tmux.keys("ukrane")
    tmux.wait_for("by relevance")
    tmux.keys("Enter")
    tmux.wait_for("Open article")
    tmux.keys("Enter")
    tmux.wait_for("Next article")
    tmux.keys("Escape", "q")
    assert tmux.exit_status(timeout=20) == 0
