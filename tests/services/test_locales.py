"""The locales CoLiv offers: each reads back what it writes, nothing else is taken, and the
babel data a bundle carries for them (appinfo.babel_locale_files) is all the app needs."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import babel.localedata
import pytest

from coliv_desktop import appinfo, config
from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.services.settings import check_locale


@pytest.mark.parametrize("code", config.LOCALES)
def test_every_offered_locale_reads_back_what_it_writes(code: str) -> None:
    check_locale(code)


@pytest.mark.parametrize("code", ["xx_YY", "en_150", "de_LU", "", "en-US"])
def test_a_locale_outside_the_list_is_refused(code: str) -> None:
    with pytest.raises(ValidationError, match="locales CoLiv offers"):
        check_locale(code)


def test_the_bundles_babel_data_is_all_the_app_needs(tmp_path: Path) -> None:
    data = tmp_path / "locale-data"
    data.mkdir()
    needed = appinfo.babel_locale_files(config.LOCALES)
    assert "root" in needed and "en" in needed and len(needed) < 150  # of babel's ~1,100
    source = Path(babel.localedata._dirname)
    for name in needed:
        shutil.copy(source / f"{name}.dat", data / f"{name}.dat")
    # A fresh interpreter whose babel sees only those files, as the frozen app's does: every
    # offered locale formats, reads back and names itself.
    script = textwrap.dedent("""
        import sys
        from decimal import Decimal
        import babel.localedata
        babel.localedata._dirname = sys.argv[1]
        from babel import Locale
        from coliv_desktop.config import LOCALES
        from coliv_desktop.domain.money import MoneyFormat, format_money, parse_money, shown
        from coliv_desktop.services.settings import check_locale
        for code in LOCALES:
            check_locale(code)
            fmt = MoneyFormat(locale=code, currency="EUR")
            assert parse_money(shown(Decimal("98765.43"), fmt), "a", fmt=fmt) == Decimal("98765.43")
            assert format_money(Decimal("12.5"), "USD", code)
            assert Locale.parse(code).get_display_name("en")
        print(len(LOCALES))
    """)
    result = subprocess.run([sys.executable, "-c", script, str(data)], capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(len(config.LOCALES))
