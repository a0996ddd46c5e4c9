"""The print preview, printing through QPrinter, Save as PDF and the batch dialog,
driven as a user drives them (pytest-qt, offscreen)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")
pytestmark = pytest.mark.usefixtures("qt_setup")  # fonts, style, jobs inline (conftest)

import pypdfium2 as pdfium  # noqa: E402
from conftest import DEMO_TODAY  # noqa: E402
from PySide6.QtCore import Qt, QTimer  # noqa: E402
from PySide6.QtGui import QPageSize  # noqa: E402
from PySide6.QtPrintSupport import QPrintDialog, QPrinter  # noqa: E402
from PySide6.QtWidgets import QApplication, QComboBox, QFileDialog, QLineEdit  # noqa: E402

from broker_desk import paperwork, paths  # noqa: E402
from broker_desk.gui import jobs  # noqa: E402
from broker_desk.gui.batch_print import BatchPrintDialog  # noqa: E402
from broker_desk.gui.contract_editor import ContractEditor  # noqa: E402
from broker_desk.gui.page_view import PageView  # noqa: E402
from broker_desk.gui.pdf_pages import PdfPages, print_pages  # noqa: E402
from broker_desk.gui.print_preview import PreviewDialog  # noqa: E402

A4 = (595.28, 841.89)




def contract_forms() -> list[str]:
    return [f.name for f in paperwork.list_forms() if f.per == "contract" and f.in_use and not f.error]


def period_forms() -> list[str]:
    return [f.name for f in paperwork.list_forms() if f.per == "period" and f.in_use and not f.error]


def core_pdf(ledger, form, **kwargs) -> tuple[bytes, paperwork.RenderResult]:
    out = io.BytesIO()
    result = paperwork.render(ledger, form, out, today=DEMO_TODAY, **kwargs)
    return out.getvalue(), result


def pdf_text(data_or_path) -> str:
    doc = pdfium.PdfDocument(data_or_path)
    try:
        return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()


def pdf_pages(data_or_path) -> list[tuple[float, float]]:
    doc = pdfium.PdfDocument(data_or_path)
    try:
        return [tuple(doc[i].get_size()) for i in range(len(doc))]
    finally:
        doc.close()


def ink(image, step: int = 3) -> float:
    """The share of dark pixels in an image (sampled)."""
    dark = total = 0
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            total += 1
            dark += image.pixelColor(x, y).lightness() < 128
    return dark / total


def differing(a, b, step: int = 2) -> float:
    """The share of sampled pixels whose lightness differs a lot between two same-sized images."""
    assert abs(a.width() - b.width()) <= 1 and abs(a.height() - b.height()) <= 1
    w, h = min(a.width(), b.width()), min(a.height(), b.height())
    bad = total = 0
    for y in range(0, h, step):
        for x in range(0, w, step):
            total += 1
            bad += abs(a.pixelColor(x, y).lightness() - b.pixelColor(x, y).lightness()) > 96
    return bad / total


@pytest.fixture
def registered(demo_ledger) -> int:
    """A demo contract registered in 2025, so every form has its data."""
    return paperwork.registered_in(demo_ledger, "2025")[0]


@pytest.fixture
def preview(demo_ledger, registered, qtbot):
    dialog = PreviewDialog(demo_ledger, registered, today=DEMO_TODAY)
    qtbot.addWidget(dialog)
    dialog.resize(1000, 800)
    dialog.show()
    return dialog


@pytest.fixture
def second_form(_isolated_home):
    """A user template: a copy of the first built-in form under another name and title."""
    first = next(f for f in paperwork.list_forms() if f.name == contract_forms()[0])
    folder = paths.forms_dir()
    folder.mkdir(parents=True, exist_ok=True)
    text = first.path.read_text(encoding="utf-8").replace(f'title = "{first.title}"', 'title = "经办人留存联"', 1)
    (folder / "经办人留存联.toml").write_text(text, encoding="utf-8")
    assert "经办人留存联" in contract_forms()
    return "经办人留存联"


def test_preview_shows_the_pages_the_core_renders(preview, demo_ledger, registered, qtbot):
    listed = [f for f in paperwork.list_forms() if f.per == "contract" and f.in_use]
    assert contract_forms() and preview.form_names() == [f.name for f in listed]  # not the period summary
    items = preview.form_box.model()
    for i, info in enumerate(listed):  # a broken template is listed, greyed out, saying what is wrong
        assert items.item(i).isEnabled() == (info.error is None)
        assert (items.item(i).toolTip() == info.error) if info.error else True
    assert not set(period_forms()) & set(preview.form_names())
    data, result = core_pdf(demo_ledger, preview.form(), contract_ids=[registered])
    assert preview.page_count() == result.pages == len(pdf_pages(preview.pdf)) >= 1
    assert preview.page_text() == f"第 1 页，共 {result.pages} 页"
    assert preview.page_count_label.text() == f"页，共 {result.pages} 页"
    assert preview.print_button.isEnabled() and preview.save_button.isEnabled()
    assert not preview.notice.isVisible()
    # the page in sight is drawn: a white sheet with the form's ruled grid and text on it
    preview.view.render_visible_now()
    image = preview.view._cache[(0, preview.view._image_scale())]
    assert image.width() == pytest.approx(preview.view.page_rect(0).width() * preview.devicePixelRatioF(), abs=2)
    assert 0.005 < ink(image) < 0.5
    shot = preview.view.viewport().grab().toImage()
    assert shot.pixelColor(5, 5) == PageView.DESK  # the grey desk around the page


def test_switching_form_renders_it(preview, demo_ledger, registered, second_form, qtbot):
    preview.reload_forms()  # the user's template was added after the preview opened
    first = preview.form()
    assert first != second_form and second_form in preview.form_names()
    assert preview.pdf == core_pdf(demo_ledger, first, contract_ids=[registered])[0]
    preview.set_form(second_form)
    assert preview.form() == second_form
    data, result = core_pdf(demo_ledger, second_form, contract_ids=[registered])
    assert preview.pdf == data  # the core's own PDF for the form chosen (reportlab's output is invariant)
    assert preview.page_count() == result.pages
    assert preview.summary.text().startswith("经办人留存联 · ")
    preview.set_form(first)
    assert preview.pdf == core_pdf(demo_ledger, first, contract_ids=[registered])[0]
    assert preview.summary.text().startswith(f"{first} · ")


def test_print_through_qprinter_to_a_pdf_file(preview, tmp_path):
    target = tmp_path / "printed.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(target))
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    assert preview.print_to(printer) == preview.page_count()
    assert target.is_file()
    sizes = pdf_pages(str(target))
    assert len(sizes) == preview.page_count()
    for w, h in sizes:
        assert w == pytest.approx(A4[0], abs=1.5) and h == pytest.approx(A4[1], abs=1.5)
    # each printed sheet is the form, full page, where the form puts it
    printed, original = PdfPages(target.read_bytes()), PdfPages(preview.pdf)
    for i in range(len(sizes)):
        a, b = printed.image(i, 1.0), original.image(i, 1.0)  # at 72 dpi thin ruled lines look alike
        assert ink(a) > 0.005
        assert differing(a, b) < 0.04


def test_print_button_asks_the_print_dialog_then_prints(preview, tmp_path, qtbot):
    target = tmp_path / "via-dialog.pdf"
    seen = []

    def answer(left=50):
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QPrintDialog):
            if left:
                QTimer.singleShot(20, lambda: answer(left - 1))
            return
        seen.append(dialog)
        printers = dialog.findChild(QComboBox, "printers")
        if printers is not None:  # a machine with printers: choose printing to a PDF file
            for i in range(printers.count()):
                if "PDF" in printers.itemText(i):
                    printers.setCurrentIndex(i)
        dialog.findChild(QLineEdit, "filename").setText(str(target))
        dialog.accept()

    QTimer.singleShot(0, answer)
    qtbot.mouseClick(preview.print_button, Qt.MouseButton.LeftButton)
    assert seen, "the print dialog did not open"
    assert target.is_file() and len(pdf_pages(str(target))) == preview.page_count()
    assert "已送往打印机" in preview.summary.text()


def test_save_as_pdf_writes_the_cores_own_pdf(preview, demo_ledger, registered, tmp_path, monkeypatch, qtbot):
    target = tmp_path / "saved"
    asked = []

    def ask(parent, caption, suggested, filters):
        asked.append(suggested)
        return str(target), filters
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(ask))
    qtbot.mouseClick(preview.save_button, Qt.MouseButton.LeftButton)
    saved = tmp_path / "saved.pdf"
    assert saved.read_bytes() == preview.pdf
    record = demo_ledger.get("contract", registered)
    assert record["contract_no"] in asked[0] and asked[0].endswith(".pdf")
    assert record["reg_no"] and record["reg_no"] in pdf_text(str(saved))
    assert len(pdf_pages(str(saved))) == preview.page_count()


def test_missing_data_is_named_and_can_print_blank(ledger, make, qtbot):
    contract = make.contract()  # not registered: no 登记编号 nor 登记日期
    with pytest.raises(paperwork.MissingData) as caught:
        core_pdf(ledger, contract_forms()[0], contract_ids=[contract])
    fields = caught.value.missing[contract]
    dialog = PreviewDialog(ledger, contract, today=DEMO_TODAY, form=contract_forms()[0])
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.notice.isVisible() and dialog.blank_box.isVisible()
    text = dialog.notice_label.text()
    assert "缺少" in text and all(f in text for f in fields)
    assert dialog.pdf is None and dialog.page_count() == 0
    assert not dialog.print_button.isEnabled() and not dialog.save_button.isEnabled()
    assert dialog.blank_box.text() == "留空打印（由经办人手填）"
    dialog.blank_box.click()
    assert dialog.pdf is not None and dialog.page_count() >= 1
    assert dialog.print_button.isEnabled()
    assert "留空" in dialog.notice_label.text() and all(f in dialog.notice_label.text() for f in fields)
    dialog.blank_box.click()  # unticked: the contract is refused again
    assert dialog.pdf is None and "缺少" in dialog.notice_label.text()


def a_month(ledger) -> tuple[int, int, int]:
    """A month of the demo with a few registered contracts (year, month, count)."""
    best = None
    for year in (2025, 2026):
        for month in range(1, 13):
            n = len(paperwork.registered_in(ledger, f"{year}-{month:02d}"))
            if n >= 3 and (best is None or n < best[2]):
                best = (year, month, n)
    assert best is not None
    return best


@pytest.fixture
def batch(demo_ledger, qtbot, monkeypatch):
    dialog = BatchPrintDialog(demo_ledger, today=DEMO_TODAY)
    qtbot.addWidget(dialog)
    offered = []
    monkeypatch.setattr(dialog, "offer", lambda: offered.append(dialog.output))
    dialog.offered = offered
    dialog.show()
    return dialog


def test_batch_prints_a_month_into_one_pdf(batch, demo_ledger, tmp_path):
    year, month, count = a_month(demo_ledger)
    form = contract_forms()[0]
    batch.set_form(form)
    batch.set_period(year, month)
    assert batch.period() == f"{year}-{month:02d}"
    assert batch.count_label.text() == f"该期间登记的合同：{count:,} 份"
    assert batch.ok_button.isEnabled()
    target = tmp_path / "batch.pdf"
    batch.path_edit.setText(str(target))
    batch.accept()
    assert batch.offered == [target] and batch.result is not None
    _data, expected = core_pdf(demo_ledger, form, period=f"{year}-{month:02d}")
    assert batch.result.pages == expected.pages == len(pdf_pages(str(target)))
    assert batch.result.contracts == count
    assert f"{expected.pages:,} 页" in batch.summary()
    text = pdf_text(str(target))
    for id_ in paperwork.registered_in(demo_ledger, f"{year}-{month:02d}"):
        assert demo_ledger.get("contract", id_)["reg_no"] in text


def test_batch_of_the_period_summary(batch, demo_ledger, tmp_path):
    forms = period_forms()
    if not forms:
        pytest.skip("no period form yet")
    year, month, count = a_month(demo_ledger)
    batch.set_form(forms[0])
    batch.set_period(year, None)
    target = tmp_path / "summary.pdf"
    batch.path_edit.setText(str(target))
    batch.accept()
    _data, expected = core_pdf(demo_ledger, forms[0], period=str(year))
    assert batch.result.pages == expected.pages == len(pdf_pages(str(target)))


def test_cancelling_a_batch_leaves_no_file(batch, demo_ledger, tmp_path, monkeypatch):
    year, month, _count = a_month(demo_ledger)
    batch.set_form(contract_forms()[0])
    batch.set_period(year, month)
    target = tmp_path / "out" / "cancelled.pdf"
    batch.path_edit.setText(str(target))
    asked = []

    def cancel_midway(parent, title, fn):
        def cancelled():
            asked.append(1)
            return len(asked) > 2  # the user presses 取消 while it runs
        return fn(lambda *_: None, cancelled)
    monkeypatch.setattr(jobs, "run_job", cancel_midway)
    batch.accept()
    assert len(asked) > 2
    assert not target.exists() and list(target.parent.iterdir()) == []
    assert batch.offered == [] and batch.result is None
    assert batch.status.text() == "已取消，没有生成文件。"
    assert batch.isVisible()  # still open, to try again


def test_batch_with_missing_data_names_it_then_prints_blank(batch, demo_ledger, tmp_path):
    year, month, count = a_month(demo_ledger)
    period = f"{year}-{month:02d}"
    lacking = paperwork.registered_in(demo_ledger, period)[1]
    demo_ledger.conn.execute("UPDATE contracts SET approved_fen = NULL WHERE id = ?", [lacking])
    record = demo_ledger.get("contract", lacking)
    batch.set_form("技术合同登记表")
    batch.set_period(year, month)
    batch.blank_box.setChecked(False)
    target = tmp_path / "batch.pdf"
    batch.path_edit.setText(str(target))
    batch.accept()
    assert not target.exists() and batch.result is None and batch.isVisible()
    text = batch.status.text()
    assert record["contract_no"] in text and "核定技术交易额" in text and "留空打印" in text
    batch.blank_box.setChecked(True)
    batch.accept()
    assert target.is_file() and batch.result.contracts == count
    assert batch.result.missing == {lacking: ["核定技术交易额"]}
    assert "1 份合同有留空的栏目" in batch.summary()


def test_batch_of_an_empty_period_cannot_start(batch):
    batch.set_period(1990, 1)
    assert batch.count_label.text() == "该期间没有登记的合同。"
    assert not batch.ok_button.isEnabled()


def test_batch_preview_pages_through_the_file(batch, demo_ledger, tmp_path, qtbot, monkeypatch):
    year, month, _count = a_month(demo_ledger)
    batch.set_form(contract_forms()[0])
    batch.set_period(year, month)
    batch.path_edit.setText(str(tmp_path / "b.pdf"))
    batch.accept()
    shown = []
    monkeypatch.setattr(PreviewDialog, "exec", lambda self: shown.append(self) or 0)
    batch.preview()
    dialog = shown[0]
    qtbot.addWidget(dialog)
    dialog.resize(900, 700)
    dialog.show()
    assert not dialog.form_row.isVisible()  # a finished file: no form to choose
    assert dialog.page_count() == batch.result.pages >= 3
    assert dialog.page_text() == f"第 1 页，共 {batch.result.pages} 页"
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    assert dialog.page_text() == f"第 2 页，共 {batch.result.pages} 页"
    zoom = dialog.view.zoom
    dialog.view.zoom_in()
    assert dialog.view.zoom > zoom and dialog.zoom_box.currentText().endswith("%")
    assert dialog.page_text().startswith("第 2 页")  # zooming keeps the page in sight




def test_print_action_needs_a_selected_contract(window, monkeypatch):
    opened = []
    monkeypatch.setattr(PreviewDialog, "exec", lambda self: opened.append(self.contract_id) or 0)
    assert window.print_action.shortcut().toString() == "Ctrl+P"
    window.nav.setCurrentRow(0)
    assert not window.print_action.isEnabled()
    window.nav.setCurrentRow(1)
    page = window.pages["contract"]
    page.table.clearSelection()
    page.table.setCurrentIndex(page.model.index(-1, -1))
    assert not window.print_action.isEnabled()
    page.table.selectRow(2)
    assert window.print_action.isEnabled()
    window.print_action.trigger()
    assert opened == [page.selected_id()]
    window.nav.setCurrentRow(2)  # 客户: a client selected is not a contract
    window.pages["client"].table.selectRow(0)
    assert not window.print_action.isEnabled()


def test_batch_action_opens_the_batch_dialog(window, monkeypatch):
    opened = []
    monkeypatch.setattr(BatchPrintDialog, "exec", lambda self: opened.append(self) or 0)
    window.batch_print_action.trigger()
    assert opened and isinstance(opened[0], BatchPrintDialog)


def test_contract_editor_prints_a_saved_contract(demo_ledger, registered, qtbot, monkeypatch):
    opened = []
    monkeypatch.setattr(PreviewDialog, "exec", lambda self: opened.append(self) or 0)
    editor = ContractEditor(demo_ledger, registered)
    qtbot.addWidget(editor)
    assert editor.print_button is not None and editor.print_button.text() == "打印…"
    qtbot.mouseClick(editor.print_button, Qt.MouseButton.LeftButton)
    assert opened and opened[0].contract_id == registered and opened[0].page_count() >= 1
    assert not editor.dirty  # just opened: nothing to save first
    editor.inputs["signed_place"].set_value("杭州")  # an edit not saved: asked, then what is saved is printed
    editor.dirty = True

    def answer(left=50):
        box = QApplication.activeModalWidget()
        if box is None:
            if left:
                QTimer.singleShot(20, lambda: answer(left - 1))
            return
        asked.append(box.text())
        next(b for b in box.buttons() if b.text() == "按已保存的打印").click()
    asked = []
    QTimer.singleShot(0, answer)
    qtbot.mouseClick(editor.print_button, Qt.MouseButton.LeftButton)
    assert asked and "尚未保存" in asked[0]
    assert len(opened) == 2 and demo_ledger.get("contract", registered)["signed_place"] != "杭州"
    new = ContractEditor(demo_ledger)
    qtbot.addWidget(new)
    assert new.print_button is None  # nothing saved to print yet


def test_pdf_pages_become_images_of_the_right_size(tmp_path):
    from reportlab.lib.pagesizes import A4 as RL_A4
    from reportlab.lib.pagesizes import landscape
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out, pagesize=RL_A4)
    canvas.rect(0, 0, RL_A4[0] / 2, RL_A4[1])  # the left half black
    canvas.setFillColorRGB(0, 0, 0)
    canvas.rect(0, 0, RL_A4[0] / 2, RL_A4[1], fill=1)
    canvas.showPage()
    canvas.setPageSize(landscape(RL_A4))
    canvas.showPage()
    canvas.save()
    pages = PdfPages(out.getvalue())
    assert len(pages) == 2 and pages.sizes[1][0] > pages.sizes[1][1]
    image = pages.image(0, 1.0)
    assert image.width() == pytest.approx(RL_A4[0], abs=1) and image.height() == pytest.approx(RL_A4[1], abs=1)
    assert image.pixelColor(10, 10).lightness() < 20 and image.pixelColor(image.width() - 10, 10).lightness() > 240
    # printed: the landscape page turns the sheet
    target = tmp_path / "mixed.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(target))
    assert print_pages(pages, printer) == 2
    (w0, h0), (w1, h1) = pdf_pages(str(target))
    assert w0 < h0 and w1 > h1
    assert Path(target).stat().st_size > 0
