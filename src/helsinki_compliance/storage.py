"""Safe writes: temporary file in the same directory, fsync, atomic rename.

A reader never sees a half-written file, and a process killed mid-write leaves the old file
as it was (at worst a stray ``.tmp`` file, which readers ignore). :func:`atomic_write` does it in
one step; :func:`write_temp` and :func:`replace` split it for writers that must check the new
file before it replaces the old one (``observe``).
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

#: The default limit of :func:`read_bounded` (the YAML reader's own limit is the same).
MAX_READ_BYTES = 8 * 1024 * 1024


class RefusedFile(OSError):
    """A file the tool will not read: not a regular file, a symbolic link where none is allowed,
    or over the size limit. ``str()`` is a sentence without the path (callers add the place)."""

    def __init__(self, message: str, path: Path | str) -> None:
        super().__init__(message)
        self.message = message
        self.filename = str(path)

    def __str__(self) -> str:
        return self.message


def read_bounded(path: Path | str, max_bytes: int = MAX_READ_BYTES, *, follow_symlinks: bool = True) -> bytes:
    """The bytes of the regular file at ``path``: the one reader for everything the tool reads.

    Opened non-blocking (a FIFO never hangs the tool), checked on the open descriptor to be a
    regular file (a directory, FIFO, socket or device is refused, also through a symbolic link),
    and never read past ``max_bytes`` (not even a file that grows while it is read). With
    ``follow_symlinks=False`` a symbolic link at ``path`` itself is refused too. Raises
    :class:`RefusedFile` for a refused file and ``OSError`` when it cannot be opened or read.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    if not follow_symlinks:
        if os.path.islink(path):
            raise RefusedFile("a symbolic link; refused", path)
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if not follow_symlinks and os.path.islink(path):  # swapped in after the check (ELOOP)
            raise RefusedFile("a symbolic link; refused", path) from None
        raise exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise RefusedFile("not a regular file (a directory, pipe or device); refused", path)
        if info.st_size > max_bytes:
            raise RefusedFile(f"file is {info.st_size:,} bytes; the limit is {max_bytes:,}", path)
        chunks: list[bytes] = []
        size = 0
        while size <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > max_bytes:  # it grew while we read it
            raise RefusedFile(f"file is larger than the limit of {max_bytes:,} bytes", path)
        return b"".join(chunks)
    finally:
        os.close(fd)


def umask() -> int:
    """The process's umask (read without changing it for longer than a moment)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def new_file_mode() -> int:
    """The permissions a new file gets under the user's umask (0644 under the usual 022)."""
    return 0o666 & ~umask()


def write_temp(path: Path, data: str | bytes, *, durable: bool = True, mode: int | None = None) -> Path:
    """Write ``data`` to a new temporary file beside ``path`` and return it.

    The temporary file gets ``mode``, else ``path``'s permissions, else those of a new file under
    the user's umask (not mkstemp's 0600: data files and reports are for reading; 0600 under
    ``umask 077``)."""
    path = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        if mode is None:
            mode = path.stat().st_mode & 0o777 if path.exists() else new_file_mode()
        os.chmod(tmp, mode)
    except BaseException:
        discard(Path(tmp))
        raise
    return Path(tmp)


def replace(tmp: Path, path: Path, *, durable: bool = True) -> None:
    """Rename ``tmp`` over ``path`` (atomic), then fsync the directory so the rename survives a crash."""
    os.replace(tmp, path)
    if not durable:
        return
    try:
        dfd = os.open(Path(path).parent, os.O_RDONLY)
    except OSError:  # pragma: no cover - some platforms cannot open directories
        return
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)


def discard(tmp: Path) -> None:
    """Remove a temporary file that will not be used (already gone is fine)."""
    try:
        os.unlink(tmp)
    except FileNotFoundError:
        pass


def atomic_write(path: Path, text: str | bytes, *, durable: bool = True, mode: int | None = None) -> None:
    """Replace ``path`` with ``text`` atomically (temp file, fsync, rename, fsync the dir).

    ``durable=False`` skips both fsyncs: still atomic for readers, but a crash may lose the new
    file (for caches, whose entries are checked on reading and cheap to rebuild)."""
    tmp = write_temp(Path(path), text, durable=durable, mode=mode)
    try:
        replace(tmp, Path(path), durable=durable)
    except BaseException:
        discard(tmp)
        raise


# ---------------------------------------------------------------- write sets

#: The journal of a write set being committed: ``<journal dir>/.helsinki-journal-<random>.json``.
JOURNAL_PREFIX = ".helsinki-journal-"
#: Tests only: the environment variable naming a point at which :meth:`WriteSet.commit` kills its
#: own process (``journal``: the journal is written, nothing renamed; ``rename-N``: after N renames).
KILL_POINT_ENV = "HELSINKI_COMPLIANCE_TEST_KILL_AT"


def _kill_point(point: str) -> None:
    """Die here (SIGKILL, no clean-up) when a test asked for it; a no-op otherwise."""
    if os.environ.get(KILL_POINT_ENV) == point:  # pragma: no cover - the process does not survive it
        os.kill(os.getpid(), 9)


def fsync_dir(path: Path) -> None:
    """fsync a directory, so that renames and removals in it survive a crash (best effort)."""
    try:
        dfd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - some platforms cannot open directories
        return
    try:
        os.fsync(dfd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(dfd)


class WriteSet:
    """Several files replaced (and removed) as one: all of them or none, also across a kill.

    Each new file is written complete to a temporary file beside its target and fsynced
    (:meth:`write`). :meth:`commit` then writes a **journal** (the renames and removals to make)
    into ``journal_dir``, fsyncs it, makes the renames and removals, and removes the journal.
    A process killed after the journal is written leaves it behind, and :func:`recover` (called
    by every command that reads or writes the place, before it reads) finishes the set: every
    temporary file is complete, so the set is rolled forward. A process killed before the journal
    is written leaves the old files as they were (and stray hidden temporary files, which nothing
    reads). Recovery is idempotent: two processes finishing the same journal do no harm.

    Use as a context manager: leaving the block without committing removes the temporary files."""

    def __init__(self, journal_dir: Path, *, durable: bool = True) -> None:
        self.dir = Path(journal_dir)
        self.durable = durable
        self.moves: list[tuple[Path, Path]] = []  # (temporary file, target)
        self.removals: list[Path] = []
        self.journaled = False  # once the journal is written, the temporary files belong to it

    def __enter__(self) -> WriteSet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()

    def write(self, path: Path, data: str | bytes, *, mode: int | None = None) -> Path:
        """Write ``data`` for ``path`` to a temporary file beside it (fsynced); return the temporary file."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = write_temp(path, data, durable=self.durable, mode=mode)
        self.moves.append((tmp, path))
        return tmp

    def move(self, tmp: Path, path: Path) -> None:
        """Add a complete file already written (``tmp``, on the same file system) to go to ``path``."""
        self.moves.append((Path(tmp), Path(path)))

    def remove(self, path: Path) -> None:
        """Remove ``path`` with the set (a file only)."""
        self.removals.append(Path(path))

    def discard(self) -> None:
        if self.journaled:  # interrupted after the journal: recovery finishes it with these files
            return
        for tmp, _ in self.moves:
            discard(tmp)
        self.moves = []
        self.removals = []

    def _rel(self, p: Path) -> str:
        return os.path.relpath(os.path.abspath(p), os.path.abspath(self.dir))

    def commit(self) -> None:
        """Journal, rename, remove, forget the journal (see the class docstring)."""
        if not self.moves and not self.removals:
            return
        self.dir.mkdir(parents=True, exist_ok=True)
        record = {
            "generator": "helsinki-compliance",
            "moves": [[self._rel(t), self._rel(p)] for t, p in self.moves],
            "removals": [self._rel(p) for p in self.removals],
        }
        fd, name = tempfile.mkstemp(prefix=JOURNAL_PREFIX, suffix=".json", dir=self.dir)
        journal = Path(name)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(record, fh)
            fh.flush()
            if self.durable:
                os.fsync(fh.fileno())
        if self.durable:
            fsync_dir(self.dir)
        self.journaled = True
        _kill_point("journal")
        try:
            _apply(self.dir, record, durable=self.durable, kill_points=True)
        except OSError as exc:
            raise OSError(
                exc.errno,
                f"{exc.strerror or exc} (the write was interrupted; the next command that reads or writes "
                f"{self.dir} finishes it from {journal.name})",
                exc.filename,
            ) from exc
        self.moves = []
        self.removals = []
        self.journaled = False
        discard(journal)
        if self.durable:
            fsync_dir(self.dir)


def _apply(base: Path, record: dict[str, Any], *, durable: bool, kill_points: bool = False) -> None:
    """Make a journal's renames and removals; each one already made is skipped (idempotent)."""
    dirs: set[Path] = set()
    for n, (tmp, path) in enumerate(record.get("moves", []), 1):
        src, dst = base / tmp, base / path
        try:
            dst.parent.mkdir(parents=True, exist_ok=True)
            os.replace(src, dst)
        except FileNotFoundError:  # renamed already (by us before a kill, or by a concurrent recovery)
            pass
        dirs.add(dst.parent)
        if kill_points:
            _kill_point(f"rename-{n}")
    for path in record.get("removals", []):
        try:
            os.unlink(base / path)
        except FileNotFoundError:
            pass
        dirs.add((base / path).parent)
    for tmp, _ in record.get("moves", []):  # an emptied hidden staging directory goes too
        parent = (base / tmp).parent
        if parent.name.startswith(".helsinki-staging-"):
            try:
                parent.rmdir()
            except OSError:
                pass
    if durable:
        for d in sorted(dirs):
            fsync_dir(d)


def _check_journal(base: Path, journal: Path, record: dict[str, Any]) -> None:
    """A journal read back moves only hidden temporary files to places inside its own directory
    (a journal planted in a shared corpus cannot rename or remove anything elsewhere)."""
    real = Path(os.path.realpath(base))

    def inside(rel: Any) -> bool:
        if not isinstance(rel, str):
            return False
        p = Path(os.path.realpath((base / rel).parent)) / Path(rel).name
        return p.is_relative_to(real) and p != real

    moves = record.get("moves", [])
    removals = record.get("removals", [])
    ok = isinstance(moves, list) and isinstance(removals, list)
    ok = ok and all(
        isinstance(m, list)
        and len(m) == 2
        and inside(m[0])
        and inside(m[1])
        and ".." not in Path(m[0]).parts
        and any(part.startswith(".") and part != "." for part in Path(m[0]).parts)
        for m in moves
    )
    ok = ok and all(inside(r) for r in removals)
    if not ok:
        raise OSError(
            f"{journal}: a journal that reaches outside {base} or moves files that are not temporary; refused"
        )


def pending(journal_dir: Path) -> list[Path]:
    """The journals of write sets that were interrupted (or are being committed) in ``journal_dir``."""
    try:
        return sorted(Path(journal_dir).glob(f"{JOURNAL_PREFIX}*.json"))
    except OSError:  # pragma: no cover
        return []


def recover(journal_dir: Path) -> int:
    """Finish every write set interrupted in ``journal_dir`` (roll it forward); how many were finished.

    A journal that cannot be read (it is written complete before any rename, so this is damage,
    not a kill) is left in place and reported as an :class:`OSError`."""
    done = 0
    for journal in pending(journal_dir):
        try:
            record = json.loads(read_bounded(journal, 64 * 1024 * 1024, follow_symlinks=False))
        except FileNotFoundError:  # finished by its writer or another recovery meanwhile
            continue
        except (OSError, ValueError) as exc:
            raise OSError(
                f"{journal}: an interrupted write's journal cannot be read ({exc}); remove it by hand"
            ) from None
        if not isinstance(record, dict) or record.get("generator") != "helsinki-compliance":
            raise OSError(f"{journal}: not a journal of helsinki-compliance; remove it by hand")
        _check_journal(Path(journal_dir), journal, record)
        _apply(Path(journal_dir), record, durable=True)
        discard(journal)
        done += 1
    return done


# ---------------------------------------------------------------- manifests of written files

#: The manifest of an output directory: the files the tool wrote there (name -> sha256 of the bytes).
MANIFEST = ".helsinki-written.json"


def sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def read_manifest(out_dir: Path) -> dict[str, str]:
    """The manifest of ``out_dir`` (file name -> sha256); empty when missing or unusable."""
    try:
        data = json.loads(read_bounded(Path(out_dir) / MANIFEST, 16 * 1024 * 1024, follow_symlinks=False))
    except (OSError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        return {}
    return {k: v for k, v in files.items() if isinstance(k, str) and isinstance(v, str)}


def manifest_text(files: dict[str, str]) -> str:
    return json.dumps({"generator": "helsinki-compliance", "files": dict(sorted(files.items()))}, indent=1) + "\n"


def ours(path: Path, name: str, manifest: dict[str, str], new_sha: str | None = None) -> bool:
    """Whether the file at ``path`` may be replaced or removed: absent, or a regular file whose bytes
    the manifest lists under ``name`` (the tool wrote it, nobody changed it) or equal the new bytes."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return True
    if not stat.S_ISREG(info.st_mode):
        return False
    try:
        current = sha256(read_bounded(path, 1 << 30, follow_symlinks=False))
    except OSError:
        return False
    return current == new_sha or manifest.get(name) == current
