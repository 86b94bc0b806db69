"""Keyed pseudonyms: the respondent id as HMAC-SHA256 of an identifier, under a key kept outside the repository.

The same person gets the same pseudonym in every wave imported with the same
key; without the key nobody can recompute or reverse it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

from ...errors import DataError
from .folding import normalise

__all__ = ["KEY_ENV", "KEY_FILE_ENV", "MIN_KEY_BYTES", "load_key", "key_id", "pseudonym"]

KEY_ENV = "CIATSTUDY_PSEUDONYM_KEY"
KEY_FILE_ENV = "CIATSTUDY_PSEUDONYM_KEY_FILE"
MIN_KEY_BYTES = 16


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def load_key(key_file: str | os.PathLike | None = None, *, repository: Path | None = None) -> bytes:
    """Read the pseudonymisation key from ``key_file`` or the environment.

    Order: ``key_file``; the file named by ``CIATSTUDY_PSEUDONYM_KEY_FILE``;
    the key itself in ``CIATSTUDY_PSEUDONYM_KEY``. The key must hold at least
    16 bytes (make one with ``python -c "import secrets; print(secrets.token_hex(32))"``)
    and a key file must lie outside the repository, so that it is never
    committed with the data.

    Raises
    ------
    DataError
        No key, a key too short, or a key file inside the repository.
    """
    from ...data.config import project_root

    repository = Path(repository) if repository else project_root()
    key_file = key_file or os.environ.get(KEY_FILE_ENV)
    if key_file:
        path = Path(key_file).expanduser()
        if not path.is_file():
            raise DataError("pseudonymisation key file not found", file=str(path))
        if _inside(path, repository):
            raise DataError(
                f"the pseudonymisation key must stay outside the repository ({repository}); "
                "move it, e.g. to ~/.config/ciatstudy/pseudonym.key",
                file=str(path),
            )
        key = path.read_bytes().strip()
        where = str(path)
    else:
        env = os.environ.get(KEY_ENV, "")
        if not env:
            raise DataError(f"linkage across waves needs a key: pass --key-file or set {KEY_ENV}")
        key, where = env.strip().encode("utf-8"), KEY_ENV
    if len(key) < MIN_KEY_BYTES:
        raise DataError(
            f"the pseudonymisation key holds {len(key)} bytes; at least {MIN_KEY_BYTES} are needed "
            '(python -c "import secrets; print(secrets.token_hex(32))")',
            file=where,
        )
    return key


def key_id(key: bytes) -> str:
    """A short public fingerprint of the key, to tell which key made a wave's pseudonyms.

    >>> key_id(b"0" * 32)
    'k-aa5cc073'
    """
    return "k-" + hashlib.sha256(b"ciatstudy key id\x00" + key).hexdigest()[:8]


def pseudonym(value: str, key: bytes, *, kind: str = "email") -> str:
    """Keyed pseudonym of an identifier: ``p-`` and 16 hex digits of HMAC-SHA256.

    The value is normalised first (case, accents, spaces), so ``Jo@Exemple.org ``
    and ``jo@exemple.org`` give the same pseudonym; the kind is part of the
    message, so an e-mail and a name never collide.

    Examples
    --------
    >>> key = b"k" * 32
    >>> pseudonym("Jo@Exemple.org ", key) == pseudonym("jo@exemple.org", key)
    True
    >>> pseudonym("jo@exemple.org", key)
    'p-13cf6b03ad45b773'
    """
    if not value or not str(value).strip():
        raise ValueError("cannot make a pseudonym of an empty value")
    message = f"ciatstudy/v1/{kind}/{normalise(value)}".encode("utf-8")
    return "p-" + hmac.new(key, message, hashlib.sha256).hexdigest()[:16]
