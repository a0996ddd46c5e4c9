"""The window fits the screen and the language (issue 15, items 6–9 and 12–15): windows inside the
available screen, columns that keep their figures in view, English names of code-table values,
one unit per figure, the empty ledger's first steps, the first-run office, the user guide."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")
pytestmark = pytest.mark.usefixtures("qt_setup")  # fonts, style, jobs inline (conftest)

from conftest import DEMO_TODAY  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402

from broker_desk import i18n, rankings  # noqa: E402
from broker_desk.gui.charts import Bar, ColumnChart  # noqa: E402
from broker_desk.money import wan_text  # noqa: E402

YEAR = DEMO_TODAY.year - 1


# -- 15: units --------------------------------------------------------------------------------------

def test_month_chart_writes_every_figure_in_one_form(qtbot):
    chart = ColumnChart()
    qtbot.addWidget(chart)
    bars = [Bar(f"{m}月", 600.0 + m, f"{600 + m}.19", short=str(600 + m)) for m in range(1, 13)]
    bars[3] = Bar("4月", 8.0, "8.00", short="8")  # a short figure fits where the others do not
    chart.set_bars(bars)
    chart.resize(1200, 240)
    assert chart.value_texts() == [b.text for b in bars]
    chart.resize(440, 240)  # the width of a chart at 1024×700
    texts = chart.value_texts()
    assert texts == [b.short for b in bars]  # never 630.19 beside 630


def test_ranking_commission_is_in_wan_on_screen_like_the_pdf(demo_ledger, qtbot):
    from broker_desk.gui.rankings_page import COLUMNS, RankingsPage

    page = RankingsPage(demo_ledger, today=DEMO_TODAY)
    qtbot.addWidget(page)
    page.show()
    ranking = rankings.compute(demo_ledger, YEAR)
    model = page.model
    col = COLUMNS.index("commission")
    assert model.headerData(col, Qt.Orientation.Horizontal) == "佣金（万元）"
    assert model.data(model.index(0, col)) == wan_text(ranking.rows[0].commission_fen)
    assert f"佣金 {wan_text(ranking.totals.commission_fen)} 万元" in page.totals.text()
    i18n.set_language("en")
    assert "(10k yuan)" in i18n.tr("gui.rank.col.commission")
