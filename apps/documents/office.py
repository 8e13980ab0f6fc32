"""LibreOffice headless conversions (.doc/.docx/.xls/.xlsx → PDF, .docx → .docx).

Two conversions sharing one LibreOffice profile make the second silently write nothing
(stack-notes pitfall 4), so every worker process/thread gets its own
``-env:UserInstallation``. The profile directory is kept between calls of the same worker
(the first start builds it, ≈ 2 s; later starts reuse it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

from .fonts import fontconfig_env

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice") or "soffice"
DEFAULT_TIMEOUT = 180


class ConversionError(Exception):
    """LibreOffice could not convert a file; the message is Chinese and names the file."""


def _profile_dir() -> Path:
    base = Path(os.environ.get("CLUSTERHUB_LO_PROFILE_DIR", tempfile.gettempdir()))
    return base / f"clusterhub_lo_{os.getpid()}_{threading.get_ident()}"


def convert(data: bytes, filename: str, target: str = "pdf", *, timeout: int = DEFAULT_TIMEOUT) -> bytes:
    """Convert `data` (a file named `filename`) to `target` ("pdf", "docx", "xlsx") and return it."""
    suffix = Path(filename).suffix.lower() or ".bin"
    profile = _profile_dir()
    with tempfile.TemporaryDirectory(prefix="clusterhub_conv_") as tmp:
        src = Path(tmp) / f"input{suffix}"
        src.write_bytes(data)
        out_dir = Path(tmp) / "out"
        out_dir.mkdir()
        filter_target = {"docx": "docx:MS Word 2007 XML", "xlsx": "xlsx:Calc MS Excel 2007 XML"}.get(target, target)
        cmd = [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            filter_target,
            "--outdir",
            str(out_dir),
            str(src),
        ]
        try:
            proc = subprocess.run(  # noqa: S603
                cmd, capture_output=True, timeout=timeout, env=fontconfig_env(), check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise ConversionError(f"“{filename}”转换超时（超过{timeout}秒）。") from exc
        except FileNotFoundError as exc:
            raise ConversionError("服务器未安装 LibreOffice，无法转换 Office 文件。") from exc
        produced = out_dir / f"input.{target}"
        if proc.returncode != 0 or not produced.exists() or produced.stat().st_size == 0:
            detail = (proc.stderr or proc.stdout).decode("utf-8", "replace").strip()[-300:]
            raise ConversionError(f"“{filename}”无法转换为 {target.upper()}：{detail or '文件可能已损坏或加密'}")
        return produced.read_bytes()
