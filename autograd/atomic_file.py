"""Writing a file whole or not at all: the one writer every chainrule save goes through.

``write_file(path, data)`` writes a temporary file in the target's folder, flushes it to disk
and renames it over the target (``os.replace``), so a reader or a crash sees the old file or the
new one, never half of one. ``Module.save``, ``Graph.save``, ``player(root, path)`` and
``chainrule-render -o/--player`` all use it. Where a user would notice, it behaves like
``open(path, "wb")``:

- a new file gets ``0o666`` minus the umask; an existing file keeps its mode (and, where the
  process may, its owner and group);
- a symbolic link is written through only when it is **your own** link (owned by the user
  running the save) and ends at a regular file; every link of a chain must be yours. A link
  owned by someone else is refused, as Linux's ``protected_symlinks`` refuses ``open()`` to follow
  another user's link in a shared folder such as /tmp: resolving such a link ourselves and
  renaming over its target would let another user choose which of your files gets replaced;
- a FIFO, a device or a socket at the target is refused (renaming over it would replace the
  special file by a regular one, e.g. ``/dev/null`` when run as root); a folder is refused;
- every error is one line naming the path you gave, never the temporary file, and leaves the
  old file as it was.

The temporary file is named ``.NAME.chainrule-tmp-HOST-PID-RANDOM``. A process killed in the
middle of a save leaves one behind; the next save of the same NAME removes those made on this
machine by a process that is no longer running. This module imports nothing of chainrule.

>>> import tempfile, pathlib
>>> path = write_file(pathlib.Path(tempfile.mkdtemp()) / "x.txt", b"hello")
>>> path.read_bytes()
b'hello'
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import socket
import stat
from pathlib import Path

__all__ = ["WriteError", "check_writable", "write_file"]

_TEMPORARY = ".{name}.chainrule-tmp-"
_MAX_LINKS = 40
"""Links followed in a chain before giving up, as the kernel does (ELOOP)."""
_SPECIAL = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
            (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


class WriteError(OSError):
    """A file could not be written: an ``OSError`` whose text is one line naming the path given.

    ``errno`` and ``filename`` are set as ``open()`` sets them; the error is also an instance of
    the usual subclass (``FileNotFoundError``, ``PermissionError``, ``IsADirectoryError``...).
    """

    def __str__(self) -> str:
        return str(self.strerror)


_KINDS: dict[type[OSError], type[WriteError]] = {}


def _error(kind: type[OSError], code: int | None, message: str, path: str) -> WriteError:
    """A ``WriteError`` that is also a ``kind`` (FileNotFoundError, ...), with ``message`` as its text."""
    if kind not in _KINDS:
        _KINDS[kind] = WriteError if kind is OSError else type(kind.__name__, (WriteError, kind), {
            "__module__": __name__, "__doc__": f"A ``WriteError`` that is a ``{kind.__name__}``."})
    return _KINDS[kind](code, message, path)


def _kind_of(error: OSError) -> type[OSError]:
    """The builtin OSError subclass of ``error`` (never one of ours)."""
    kind = type(error)
    return next(k for k in kind.__mro__ if k.__module__ == "builtins" and issubclass(k, OSError))


def _special(mode: int) -> str | None:
    """What kind of special file ``mode`` is ("a FIFO (named pipe)", ...), or None."""
    return next((name for test, name in _SPECIAL if test(mode)), None)


def _target(given: str, what: str) -> tuple[str, os.stat_result | None]:
    """The file a save of ``given`` replaces (links followed by the rules above) and its stat."""
    shown = _shown(given)
    name = os.path.basename(given)
    if not name or name in (".", ".."):
        raise _error(IsADirectoryError, errno.EISDIR, f"{what}: cannot write {shown}: it is a folder; "
                     f"give a file name inside it", given)
    current = given
    for _ in range(_MAX_LINKS):
        try:
            info = os.lstat(current)
        except FileNotFoundError:
            if current != given:
                raise _error(FileNotFoundError, errno.ENOENT, f"{what}: cannot write {shown}: it is a "
                             f"symbolic link to {_shown(current)}, which does not exist; chainrule writes "
                             f"through a link only to an existing file", given) from None
            _check_folder(given, what)
            return given, None
        except NotADirectoryError:
            raise _error(NotADirectoryError, errno.ENOTDIR, f"{what}: cannot write {shown}: "
                         f"{os.path.dirname(current)} is a file, not a folder", given) from None
        except OSError as error:
            raise _naming(error, given, what) from None
        if not stat.S_ISLNK(info.st_mode):
            break
        if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
            raise _error(PermissionError, errno.EACCES, f"{what}: cannot write {shown}: "
                         f"{'it' if current == given else _shown(current)} is a symbolic link owned by "
                         f"another user (uid {info.st_uid}); chainrule writes only through your own "
                         f"links: give the file's own path if you mean it", given)
        current = os.path.join(os.path.dirname(current), os.readlink(current))
    else:
        raise _error(OSError, errno.ELOOP, f"{what}: cannot write {shown}: more than {_MAX_LINKS} "
                     f"symbolic links in a chain (a loop?)", given)
    through = "" if current == given else f"it is a symbolic link to {_shown(current)}, which is "
    if stat.S_ISDIR(info.st_mode):
        raise _error(IsADirectoryError, errno.EISDIR, f"{what}: cannot write {shown}: "
                     f"{through or 'it is '}a folder; give a file name inside it", given)
    special = _special(info.st_mode)
    if special is not None:
        raise _error(OSError, None, f"{what}: cannot write {shown}: {through or 'it is '}{special}, "
                     f"not a regular file (a save replaces the file whole)", given)
    return current, info


def _shown(path: str) -> str:
    """``path`` as messages show it: as it is, or ``ascii()``-escaped if it holds a line break or
    another unprintable character (a message stays one line)."""
    return path if path.isprintable() else ascii(path)


def _check_folder(given: str, what: str) -> None:
    """The folder of a new file ``given`` exists and is a folder; else an error naming ``given``."""
    folder = os.path.dirname(given) or "."
    try:
        is_folder = stat.S_ISDIR(os.stat(folder).st_mode)
    except FileNotFoundError:
        raise _error(FileNotFoundError, errno.ENOENT, f"{what}: cannot write {_shown(given)}: the "
                     f"folder {_shown(folder)} does not exist", given) from None
    except NotADirectoryError:
        is_folder = False
    except OSError as error:
        raise _naming(error, given, what) from None
    if not is_folder:
        raise _error(NotADirectoryError, errno.ENOTDIR, f"{what}: cannot write {_shown(given)}: "
                     f"{_shown(folder)} is a file, not a folder", given)


def _naming(error: OSError, given: str, what: str, kept: bool = False) -> WriteError:
    """``error`` again as a one-line ``WriteError`` naming the path the user gave."""
    reason = error.strerror or str(error)
    tail = " (the old file is as it was)" if kept else ""
    return _error(_kind_of(error), error.errno, f"{what}: cannot write {_shown(given)}: {reason}{tail}",
                  given)


def check_writable(path: str | os.PathLike[str], what: str = "write_file") -> Path:
    """``path`` as a Path if ``write_file`` may write there; else a ``WriteError`` naming ``path``.

    Checks without writing: the folder exists, the target is not a folder or a special file, and
    any link on the way is yours and ends at a regular file.

    >>> check_writable("no_such_folder/x.svg", "save")
    Traceback (most recent call last):
    ...
    autograd.atomic_file.FileNotFoundError: save: cannot write no_such_folder/x.svg: the folder ...
    """
    given = os.fspath(path)
    if not isinstance(given, str):
        raise TypeError(f"{what}: give the path as str or pathlib.Path, got {type(given).__name__}")
    _target(given, what)
    return Path(given)


def write_file(path: str | os.PathLike[str], data: bytes | str, what: str = "write_file") -> Path:
    """Write ``data`` (bytes, or str as UTF-8) to ``path`` whole or not at all; returns ``Path(path)``.

    The rules (permissions, links, special files, errors) are in this module's docstring.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> write_file(folder / "a.txt", "π\\n").read_text(encoding="utf-8")
    'π\\n'
    >>> write_file(folder, b"x", "save")
    Traceback (most recent call last):
    ...
    autograd.atomic_file.IsADirectoryError: save: cannot write ...: it is a folder; give a file name inside it
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    given = os.fspath(path)
    if not isinstance(given, str):
        raise TypeError(f"{what}: give the path as str or pathlib.Path, got {type(given).__name__}")
    target, existing = _target(given, what)
    folder, name = os.path.split(target)
    folder = folder or "."
    prefix = _TEMPORARY.format(name=name[:100])
    host, pid = _host(), os.getpid()
    _remove_stale(folder, prefix, host)
    temporary = os.path.join(folder, f"{prefix}{host}-{pid}-{secrets.token_hex(4)}")
    try:  # 0o666, then the umask applies: the mode open(path, "w") gives a new file
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
                         | getattr(os, "O_CLOEXEC", 0), 0o666)
    except OSError as error:
        raise _naming(error, given, what, kept=existing is not None) from None
    try:
        try:
            if existing is not None:
                _keep_mode_and_owner(handle, existing)
            view = memoryview(data)
            while view:
                view = view[os.write(handle, view):]
            os.fsync(handle)
        finally:
            os.close(handle)
        os.replace(temporary, target)
    except OSError as error:
        _remove(temporary)
        raise _naming(error, given, what, kept=existing is not None) from None
    except BaseException:
        _remove(temporary)
        raise
    _sync_folder(folder)
    return Path(given)


def _keep_mode_and_owner(handle: int, existing: os.stat_result) -> None:
    """Give the new file the old one's mode, and its owner and group where this process may."""
    mode = stat.S_IMODE(existing.st_mode) & ~(stat.S_ISUID | stat.S_ISGID)  # as a write clears them
    if hasattr(os, "fchmod"):
        os.fchmod(handle, mode)
    if hasattr(os, "fchown") and (existing.st_uid, existing.st_gid) != os.fstat(handle)[4:6]:
        try:
            os.fchown(handle, existing.st_uid, existing.st_gid)
            os.fchmod(handle, mode)  # chown may have changed the mode
        except OSError:
            pass  # another user's file: it becomes ours, as a rename by us always makes it


def _remove(path: str) -> None:
    """Remove our temporary file, if it is still there."""
    try:
        os.unlink(path)
    except OSError:
        pass


def _sync_folder(folder: str) -> None:
    """Flush the rename to disk too (POSIX); a folder that cannot be opened is left alone."""
    if os.name != "posix":
        return
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def _host() -> str:
    """This machine's name, letters and digits only (PIDs mean something on one host only)."""
    return re.sub(r"[^A-Za-z0-9]", "", socket.gethostname())[:32] or "host"


def _remove_stale(folder: str, prefix: str, host: str) -> None:
    """Remove this target's temporary files left by processes of this host that are gone."""
    if os.name != "posix":  # os.kill(pid, 0) is not a harmless probe elsewhere: leave them
        return
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for leftover in names:
        if not leftover.startswith(prefix):
            continue
        parts = leftover[len(prefix):].split("-")
        if len(parts) != 3 or parts[0] != host or not parts[1].isdigit():
            continue
        if _alive(int(parts[1])):
            continue
        path = os.path.join(folder, leftover)
        try:
            if stat.S_ISREG(os.lstat(path).st_mode):
                os.unlink(path)
        except OSError:
            pass  # another save removed it first, or we may not: either way not ours to fix


def _alive(pid: int) -> bool:
    """Whether a process with this PID runs on this machine (signal 0 only checks)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # someone else's process, or a PID we cannot check: assume it is alive
    return True
