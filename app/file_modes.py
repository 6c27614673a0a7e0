"""The instance folder and the SQLite database are the server account's alone.

Created with the process's umask (usually 022), the database file was world-readable: every
local account could copy the users' password hashes and every inspection. The folder is made
0700 and the database file (and with it SQLite's -wal and -shm files, which copy its mode)
0600.
"""

import os
from pathlib import Path

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def private_folder(path: str | Path) -> None:
    """Make the folder if need be, 0700 when this process made it or owns it."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    _chmod_own(folder, PRIVATE_DIR)


def private_database_file(path: str | None) -> None:
    """0600 on a SQLite database file this process owns (not ":memory:")."""
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    for name in (path, f"{path}-wal", f"{path}-shm"):
        if os.path.exists(name):
            _chmod_own(Path(name), PRIVATE_FILE)


def _chmod_own(path: Path, mode: int) -> None:
    # Only what this account owns: an operator's own layout (a shared folder) is not changed.
    if path.stat().st_uid == os.getuid() and path.stat().st_mode & 0o777 != mode:
        path.chmod(mode)
