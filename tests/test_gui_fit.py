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


# -- 6: windows within the screen ---------------------------------------------------------------------

def within_screen(widget) -> bool:
    from broker_desk.gui.geometry import available

    return available(widget).contains(widget.frameGeometry())


def test_main_window_opens_within_the_screen_and_remembers_being_maximised(demo_ledger, qtbot):
    from broker_desk.gui.main_window import MainWindow

    first = MainWindow(demo_ledger, today=DEMO_TODAY)
    qtbot.addWidget(first)
    first.show()
    assert within_screen(first)  # 1280×800 wanted, the offscreen screen is 800×800
    first.showMaximized()
    first.close()
    again = MainWindow(demo_ledger, today=DEMO_TODAY)
    qtbot.addWidget(again)
    assert again.windowState() & Qt.WindowState.WindowMaximized
    again.showNormal()
    again.close()
    third = MainWindow(demo_ledger, today=DEMO_TODAY)
    qtbot.addWidget(third)
    assert not third.windowState() & Qt.WindowState.WindowMaximized


def test_contract_editor_fits_the_screen_with_its_buttons_in_view(demo_ledger, qtbot):
    from broker_desk.gui.contract_editor import ContractEditor
    from broker_desk.gui.geometry import available

    editor = ContractEditor(demo_ledger)
    qtbot.addWidget(editor)
    editor.resize(720, 2000)  # even asked for more than the screen
    editor.show()
    assert within_screen(editor)
    save = editor.buttons.button(editor.buttons.StandardButton.Save)
    bottom = save.mapTo(editor, save.rect().bottomLeft()).y()
    assert bottom <= editor.height() and editor.frameGeometry().bottom() <= available(editor).bottom()


def test_a_dialog_remembers_its_size_within_the_screen(demo_ledger, qtbot):
    from broker_desk.gui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(demo_ledger)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.resize(640, 450)
    dialog.reject()
    again = SettingsDialog(demo_ledger)
    qtbot.addWidget(again)
    again.show()
    assert (again.width(), again.height()) == (640, 450) and within_screen(again)


def test_import_dialog_does_not_grow_after_check(ledger, tmp_path, qtbot):
    from test_workbook_import import HEADERS, contract_row, write

    from broker_desk.gui.import_dialog import ImportDialog

    rows = [HEADERS] + [contract_row(no=f"BAD-{i}", amount="一百万") for i in range(60)]
    path = write(tmp_path / "台账.xlsx", {"技术合同": rows, "客户": [["名称", "统一社会信用代码"], ["甲公司", "X"]]})
    dialog = ImportDialog(ledger, path)
    qtbot.addWidget(dialog)
    assert dialog.load()
    dialog.show()
    before = dialog.size()
    dialog.check()
    qtbot.wait(50)
    assert dialog.summary.text() and dialog.problems.topLevelItemCount() >= 60
    assert dialog.size() == before and within_screen(dialog)


# -- 9: the import dialog's column tables ---------------------------------------------------------------

def test_each_sheets_column_table_shows_its_rows(ledger, tmp_path, qtbot):
    from PySide6.QtWidgets import QTreeWidget
    from test_workbook_import import HEADERS, contract_row, write

    from broker_desk.gui.import_dialog import ImportDialog

    path = write(tmp_path / "a.xlsx", {"技术合同": [HEADERS, contract_row()],
                                       "客户": [["名称", "统一社会信用代码", "单位性质"], ["甲公司", "91110108MA01ABCD1E", "企业"]]})
    dialog = ImportDialog(ledger, path)
    qtbot.addWidget(dialog)
    assert dialog.load()
    dialog.show()
    qtbot.wait(50)
    trees = dialog.columns_page.findChildren(QTreeWidget)
    assert len(trees) == 2
    for tree in trees:
        rows = min(tree.topLevelItemCount(), 14)
        last = tree.topLevelItem(rows - 1)
        assert tree.visualItemRect(last).bottom() <= tree.viewport().height()  # every row in view
        assert tree.height() >= rows * tree.visualItemRect(last).height()


# -- 7 and 8: columns at 1024×700, in Chinese and in English ----------------------------------------------

def column_in_view(table, section: int) -> bool:
    header = table.horizontalHeader()
    x = header.sectionViewportPosition(section)
    return x >= 0 and x + header.sectionSize(section) <= table.viewport().width()


@pytest.mark.parametrize("language", ["zh", "en"])
def test_contract_list_keeps_amount_and_status_in_view_at_1024(demo_ledger, qtbot, language):
    from PySide6.QtGui import QFont, QFontMetrics

    from broker_desk.gui.lists import ListPage
    from broker_desk.gui.models import code_text

    i18n.set_language(language)
    page = ListPage(demo_ledger, "contract")
    qtbot.addWidget(page)
    page.resize(1024 - 176, 600)  # the page beside the navigation in a 1024 px window
    page.show()
    qtbot.wait(20)
    columns = [c.key for c in page.model.columns]
    table, header = page.table, page.table.horizontalHeader()
    for key in ("contract_no", "title", "buyer", "seller", "amount_fen", "status"):
        assert column_in_view(table, columns.index(key)), key
    status = columns.index("status")
    bold = QFont(table.font())
    bold.setBold(True)
    assert header.sectionSize(status) >= QFontMetrics(bold).horizontalAdvance(page.model.columns[status].header())
    widest = max(QFontMetrics(table.font()).horizontalAdvance(code_text("registration_status", s))
                 for s in ("草稿", "待提交", "已受理", "需补正", "已登记", "不予登记", "已撤销"))
    assert header.sectionSize(status) >= widest + 16 + 6  # the badge and its margin
    assert header.sectionSize(columns.index("title")) >= 130  # names give way, but not to two characters


def test_names_give_room_to_the_figures_down_to_their_least():
    from broker_desk.gui.columns import fit_widths

    assert fit_widths([250, 125], [60, 90], [150, None], 600) == [475, 125]  # room: the title takes it
    assert fit_widths([250, 220, 125], [60, 60, 90], [150, 110, None], 400) == [157, 117, 125]
    assert fit_widths([250, 125], [60, 90], [150, None], 100) == [150, 125]  # not below the least


@pytest.mark.parametrize("language", ["zh", "en"])
def test_home_tables_stack_when_narrow(demo_ledger, qtbot, language):
    from PySide6.QtWidgets import QScrollArea

    from broker_desk.gui.home import HomePage

    i18n.set_language(language)

    page = HomePage(demo_ledger)
    page.today = DEMO_TODAY
    qtbot.addWidget(page)
    page.resize(1024 - 176, 600)
    page.show()
    qtbot.wait(20)
    assert page.grid.columns == 1
    title = page.ready.header().sectionSize(1)
    assert title >= 200  # the names are read, not cut to two characters
    scroll = page.findChild(QScrollArea)
    assert scroll.widget().minimumSizeHint().width() <= scroll.viewport().width()  # no sideways scrolling
    page.resize(1366 - 176, 700)
    qtbot.wait(20)
    assert page.grid.columns == 2


@pytest.mark.parametrize("language", ["zh", "en"])
def test_statistics_page_does_not_scroll_sideways_at_1024(demo_ledger, qtbot, language):
    from PySide6.QtWidgets import QScrollArea

    from broker_desk.gui.statistics_page import StatisticsPage

    i18n.set_language(language)

    page = StatisticsPage(demo_ledger, today=DEMO_TODAY)
    qtbot.addWidget(page)
    page.resize(1024 - 176, 620)
    page.show()
    page.reload()
    qtbot.wait(50)
    scroll = page.findChild(QScrollArea)
    assert scroll.widget().minimumSizeHint().width() <= scroll.viewport().width()
    assert not scroll.horizontalScrollBar().isVisible()


def test_english_shows_code_tables_english_names(demo_ledger, qtbot):
    from broker_desk.gui.inputs import CodeInput
    from broker_desk.gui.lists import ListPage

    i18n.set_language("en")
    page = ListPage(demo_ledger, "contract")
    qtbot.addWidget(page)
    model = page.model
    keys = [c.key for c in model.columns]
    shown = {model.data(model.index(r, keys.index("category"))) for r in range(50)}
    assert shown and not any("技术" in s for s in shown) and "Technology development" in shown
    status = {model.data(model.index(r, keys.index("status"))) for r in range(200)}
    assert status <= {"Draft", "Ready to submit", "Accepted", "Needs correction", "Registered", "Refused",
                      "Withdrawn"}
    payment = CodeInput("payment_method")
    qtbot.addWidget(payment)
    texts = [payment.itemText(i) for i in range(payment.count())]
    assert "分期支付" not in texts and any("instal" in t.lower() for t in texts)
    payment.set_value("分期支付")
    assert payment.value() == "分期支付"  # the ledger keeps the Chinese name
    achievements = ListPage(demo_ledger, "achievement")
    qtbot.addWidget(achievements)
    m = achievements.model
    field = [c.key for c in m.columns].index("field")
    assert all(not any("\u4e00" <= ch <= "\u9fff" for ch in (m.data(m.index(r, field)) or ""))
               for r in range(20))


# -- 12: an empty ledger says what to do first ----------------------------------------------------------

def test_an_empty_ledger_offers_its_first_steps(ledger, qtbot, monkeypatch):
    from broker_desk.gui.main_window import MainWindow

    w = MainWindow(ledger, today=DEMO_TODAY)
    qtbot.addWidget(w)
    w.show()
    steps = w.home.first_steps
    assert steps.isVisible() and not w.home.grid.isVisible()
    assert {b.text() for b in steps.buttons.values()} == {"新建客户…", "导入 Excel 工作簿…", "打开示例账本"}
    hint = w.pages["contract"].empty_hint
    w.nav.setCurrentRow(1)
    assert hint.isVisible() and "Ctrl+N" in hint.text() and "导入" in hint.text()
    asked = []
    w.sampleRequested.connect(lambda: asked.append("sample"))
    monkeypatch.setattr(w, "import_workbook", lambda path=None: asked.append("import"))
    monkeypatch.setattr(w, "editor", lambda entity, *a: asked.append(entity) or _Closed())
    for step in ("sample", "import", "client"):
        qtbot.mouseClick(steps.buttons[step], Qt.MouseButton.LeftButton)
    assert asked == ["sample", "import", "client"] and w.current_entity() == "client"
    ledger.add("client", {"name": "甲公司", "nature": "企业"})
    w.refresh_all()
    assert steps.isHidden() and not w.home.grid.isHidden()
    w.nav.setCurrentRow(1)
    assert hint.isVisible()  # still no contract
    w.nav.setCurrentRow(2)
    assert not w.pages["client"].empty_hint.isVisible()


class _Closed:
    def exec(self) -> int:
        return 0


def test_a_search_that_finds_nothing_is_not_an_empty_ledger(demo_ledger, qtbot):
    from broker_desk.gui.lists import ListPage

    page = ListPage(demo_ledger, "contract")
    qtbot.addWidget(page)
    page.show()
    page.search.setText("没有这样的合同zzzz")
    assert page.model.rowCount() == 0 and not page.empty_hint.isVisible()


# -- 13: the office asked for on a ledger's first run ------------------------------------------------------

def test_first_run_asks_for_the_office_once_and_uses_it(tmp_path, qtbot):
    from broker_desk.gui.registration_panel import MoveDialog
    from broker_desk.gui.settings_dialog import OfficeDialog
    from broker_desk.gui.startup import Controller

    controller = Controller(today=DEMO_TODAY)
    assert controller.open(tmp_path / "new.brokerdesk")
    qtbot.addWidget(controller.window)
    qtbot.waitUntil(lambda: isinstance(getattr(controller, "office_dialog", None), OfficeDialog))
    dialog = controller.office_dialog
    assert dialog.isVisible() and dialog.buttons.button(dialog.buttons.StandardButton.Cancel).text() == "以后再说"
    dialog.name.setText("广州市技术市场管理办公室")
    dialog.code.setText("4401")
    dialog.accept()
    ledger = controller.ledger
    assert ledger.setting("office_name") == "广州市技术市场管理办公室" and ledger.setting("office_code") == "4401"
    move = MoveDialog(ledger, {"id": 1, "status": "待提交", "reg_office": None, "tech_fen": 0}, "已受理",
                      today=DEMO_TODAY)
    qtbot.addWidget(move)
    assert move.office.value() == "广州市技术市场管理办公室"  # the default 登记机构
    controller.office_dialog = None
    controller.ask_office()
    assert controller.office_dialog is None  # set: not asked again
    controller.close_ledger(backup_on_close=False)


def test_skipping_the_office_question_is_remembered(tmp_path, qtbot):
    from broker_desk.gui.startup import Controller

    controller = Controller(today=DEMO_TODAY)
    assert controller.open(tmp_path / "new.brokerdesk")
    qtbot.addWidget(controller.window)
    qtbot.waitUntil(lambda: getattr(controller, "office_dialog", None) is not None)
    controller.office_dialog.reject()  # 以后再说
    controller.office_dialog = None
    controller.ask_office()
    assert controller.office_dialog is None and controller.ledger.setting("office_name") == ""
    controller.close_ledger(backup_on_close=False)


# -- 14: help ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("language", ["zh", "en"])
def test_help_guide_shortcuts_and_about(window, qtbot, language):
    from PySide6.QtGui import QKeySequence

    from broker_desk.gui import help as help_

    i18n.set_language(language)
    guide = help_.GuideDialog(window)
    qtbot.addWidget(guide)
    text = guide.browser.toPlainText()
    if language == "zh":
        assert text.startswith("技术经纪人工作台 使用说明")
        for task in ("新建", "认定登记", "打印", "导入", "排行榜", "备份", "撤销"):
            assert task in text, task
    else:
        assert text.startswith("BrokerDesk user guide") and "Registration" in text and "Import" in text
    assert guide.browser.document().toMarkdown().count("#") >= 8  # headings, not raw text
    rows = dict(help_.shortcut_rows(window.named_actions))  # the window was built in Chinese
    assert rows["新建"] == QKeySequence("Ctrl+N").toString(QKeySequence.SequenceFormat.NativeText)
    assert rows["撤销"] and rows["使用说明"] == "F1" and not any("&" in name for name in rows)
    about = help_.about_text(window.ledger.path)
    versions = help_.versions()
    for value in (versions["version"], versions["python"], versions["qt"], versions["sqlite"],
                  str(window.ledger.path)):
        assert value in about


def test_f1_opens_the_guide(window, qtbot):
    from PySide6.QtGui import QKeySequence

    guide = next(a for _name, a in window.named_actions if a.shortcut() == QKeySequence("F1"))
    guide.trigger()
    assert window.guide.isVisible() and "使用说明" in window.guide.windowTitle()
    window.guide.close()


def test_the_guide_ships_as_package_data():
    import tomllib
    from pathlib import Path

    from broker_desk.gui.help import guide_file

    assert guide_file("zh").name == "guide.zh.md" and guide_file("en").name == "guide.en.md"
    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    assert "guide/*.md" in project["tool"]["setuptools"]["package-data"]["broker_desk.resources"]


def test_ranking_units_agree_on_screen_in_excel_and_in_the_pdf(demo_ledger, qtbot, tmp_path):
    from pdftools import pdf_text, squeeze
    from python_calamine import CalamineWorkbook

    from broker_desk.gui.rankings_page import COLUMNS, RankingsPage
    from broker_desk.reports import rankings as rankings_report

    page = RankingsPage(demo_ledger, today=DEMO_TODAY)
    qtbot.addWidget(page)
    screen = [page.model.headerData(i, Qt.Orientation.Horizontal) for i in range(len(COLUMNS))]
    ranking = rankings.compute(demo_ledger, YEAR)
    xlsx = rankings_report.write_xlsx(demo_ledger, ranking, None, tmp_path / "r.xlsx")
    rows = CalamineWorkbook.from_path(str(xlsx)).get_sheet_by_index(0).to_python()
    header = next(r for r in rows if r and r[0] == "名次")
    top = next(r for r in rows if r and r[0] == 1)
    pdf = squeeze(pdf_text(rankings_report.write_pdf(demo_ledger, ranking, tmp_path / "r.pdf")))
    for figure in ("成交额（万元）", "核定技术交易额（万元）", "佣金（万元）"):
        assert figure in screen and figure in [str(h).replace("\n", "") for h in header] and figure in pdf
    first = ranking.rows[0]
    commission = [str(h).replace("\n", "") for h in header].index("佣金（万元）")
    assert top[commission] == pytest.approx(first.commission_fen / 1e6)
    assert wan_text(first.commission_fen) in pdf.replace(",", "")


def test_the_shortcuts_list_is_as_tall_as_its_rows_where_the_screen_allows(window, qtbot):
    from broker_desk.gui import geometry
    from broker_desk.gui.help import ShortcutsDialog

    dialog = ShortcutsDialog(window.named_actions, window)
    qtbot.addWidget(dialog)
    tree = dialog.tree
    need = tree.header().sizeHint().height() + tree.topLevelItemCount() * tree.sizeHintForRow(0)
    room = geometry.available(window).height() - 60
    assert dialog.height() >= min(need + 60, room)  # every row shown, or all the screen's height


def test_the_statistics_title_is_on_one_line_in_a_small_window(window, qtbot):
    window.resize(1014, 662)  # a 1024×700 screen
    window.nav.setCurrentRow(window.stack.indexOf(window.statistics))
    title = window.statistics.title
    qtbot.waitUntil(lambda: "技术合同登记统计" in title.text())
    qtbot.wait(20)
    assert title.width() >= title.fontMetrics().horizontalAdvance(title.text())
    assert title.height() < 2 * title.fontMetrics().height()
