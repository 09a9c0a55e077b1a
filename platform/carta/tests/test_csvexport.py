import csv
import io

import pytest

from carta import csvexport


@pytest.mark.parametrize(
    "cell", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\r=1"]
)
def test_a_formula_is_written_as_text(cell):
    out = io.StringIO()
    csvexport.writer(out).writerow(["ok", cell, 12, -3.5])
    row = next(csv.reader(io.StringIO(out.getvalue())))
    assert row == ["ok", "'" + cell, "12", "-3.5"]


def test_plain_text_is_unchanged():
    out = io.StringIO()
    csvexport.writer(out).writerows([["Servizio di assistenza", "a=b", ""]])
    assert out.getvalue() == "Servizio di assistenza,a=b,\r\n"
