"""Fonts of official documents (公文字体) and how the renderers ask for them.

GB/T 9704-2012 uses 方正小标宋 for titles, 仿宋_GB2312 三号 for body text, 黑体 for first-level
headings and 楷体 for second-level ones. The .docx names these fonts exactly (Word on the
reviewer's desk has them); on the server, fonts/fonts.conf aliases them to Noto CJK unless a
licensed official font is installed. WeasyPrint gets the same preference as a CSS stack.
"""

from __future__ import annotations

import os
from pathlib import Path

FONTCONFIG_PATH = Path(__file__).resolve().parent / "fonts" / "fonts.conf"

# Names written into the .docx (w:eastAsia on rFonts).
FANGSONG = "仿宋_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
HEITI = "黑体"
KAITI = "楷体_GB2312"
SONGTI = "宋体"
LATIN = "Times New Roman"
SYMBOL = "Segoe UI Symbol"  # ☐ ☑; aliased to DejaVu Sans on the server

# CSS stacks for WeasyPrint: the official font where installed, else Noto CJK.
CSS_FANGSONG = '"仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "Noto Serif CJK SC", serif'
CSS_XIAOBIAOSONG = '"方正小标宋简体", "方正小标宋_GBK", "华文中宋", "Noto Serif CJK SC", serif'
CSS_HEITI = '"黑体", "SimHei", "Noto Sans CJK SC", sans-serif'
CSS_KAITI = '"楷体_GB2312", "楷体", "KaiTi", "Noto Serif CJK SC", serif'
CSS_SONGTI = '"宋体", "SimSun", "Noto Serif CJK SC", serif'
CSS_SYMBOL = '"Segoe UI Symbol", "DejaVu Sans", sans-serif'

# Chinese font sizes (字号) in points.
SIZE_ERHAO = 22.0  # 二号
SIZE_SANHAO = 16.0  # 三号
SIZE_XIAOSAN = 15.0  # 小三
SIZE_SIHAO = 14.0  # 四号
SIZE_XIAOSI = 12.0  # 小四
SIZE_WUHAO = 10.5  # 五号
SIZE_XIAOWU = 9.0  # 小五

BOX_EMPTY = "☐"
BOX_CHECKED = "☑"


def fontconfig_env() -> dict[str, str]:
    """Environment for subprocesses (LibreOffice) so they see the same aliases."""
    env = dict(os.environ)
    env.setdefault("FONTCONFIG_FILE", str(FONTCONFIG_PATH))
    return env


def activate() -> None:
    """Point fontconfig of this process at the aliases (before Pango first loads fonts).

    An administrator's own FONTCONFIG_FILE is left alone.
    """
    os.environ.setdefault("FONTCONFIG_FILE", str(FONTCONFIG_PATH))
