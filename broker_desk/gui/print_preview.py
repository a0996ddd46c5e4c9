"""Print preview: a contract's paperwork rendered by the core (broker_desk.paperwork)
shown inside the program, with the choice of form, Print (the system's print
dialog) and Save as PDF.

The dialog is built here; the pages are drawn by :mod:`.page_view` (rasterised by
:mod:`.pdf_pages`), and Print and Save as PDF are :mod:`.print_actions`.
"""

from __future__ import annotations

import io

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QIntValidator, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from .. import i18n
from ..errors import BrokerDeskError
from . import jobs
from .page_view import FIT_PAGE, FIT_WIDTH, ZOOMS, PageView
from .pdf_pages import PdfPages
from .prefs import settings
from .print_actions import PrintActions
from .widgets import Dialog

i18n.register({
    "gui.print.title": ("打印预览", "Print preview"),
    "gui.print.title_contract": ("打印预览 — {contract}", "Print preview — {contract}"),
    "gui.print.form": ("表单：", "Form:"),
    "gui.print.form_user": ("{title}（自定义模板）", "{title} (your template)"),
    "gui.print.form_broken": ("{title}（模板有误）", "{title} (broken template)"),
    "gui.print.no_forms": ("没有可用的单页合同表单模板。", "There is no per-contract form to print."),
    "gui.print.print": ("打印…", "Print…"),
    "gui.print.print_tip": ("用系统打印对话框选择打印机并打印（Ctrl+P）", "Choose a printer and print (Ctrl+P)"),
    "gui.print.save_pdf": ("另存为 PDF…", "Save as PDF…"),
    "gui.print.save_pdf_tip": ("把这份表单保存为 PDF 文件（Ctrl+S）", "Save this form as a PDF file (Ctrl+S)"),
    "gui.print.zoom_in": ("放大", "Zoom in"),
    "gui.print.zoom_out": ("缩小", "Zoom out"),
    "gui.print.fit_width": ("适合宽度", "Fit width"),
    "gui.print.fit_page": ("整页", "Whole page"),
    "gui.print.previous": ("上一页", "Previous page"),
    "gui.print.next": ("下一页", "Next page"),
    "gui.print.page_before": ("第", "Page"),
    "gui.print.page_after": ("页，共 {count} 页", "of {count}"),
    "gui.print.page_text": ("第 {page} 页，共 {count} 页", "Page {page} of {count}"),
    "gui.print.rendering": ("正在生成表单…", "Preparing the form…"),
    "gui.print.missing": ("这份合同缺少“{form}”需要的资料：{fields}。\n请先在合同中补全；或者留空打印，由经办人在纸上手填。",
                          "This contract lacks what “{form}” needs: {fields}.\n"
                          "Fill them in on the contract, or print with those boxes blank to fill by hand."),
    "gui.print.blank_note": ("以下栏目留空，由经办人手填：{fields}。", "Left blank to fill by hand: {fields}."),
    "gui.print.desk_missing": ("补全合同资料，或勾选上方的“留空打印”，即可预览。",
                               "Complete the contract, or tick “Print with blanks” above, to see the preview."),
    "gui.print.allow_blank": ("留空打印（由经办人手填）", "Print with blanks (filled in by hand)"),
    "gui.print.template_error": ("表单模板有误，无法生成：{error}", "The form's template is broken: {error}"),
    "gui.print.failed": ("无法生成表单：{error}", "Could not prepare the form: {error}"),
    "gui.print.cancelled": ("已取消。", "Cancelled."),
    "gui.print.summary": ("{form} · {pages} 页 · A4", "{form} · {pages} pages · A4"),
    "gui.print.close": ("关闭", "Close"),
})


class PreviewDialog(PrintActions, Dialog):
    """The preview of one contract's form (``contract_id``), or of a finished PDF (``pdf``)."""

    def __init__(self, ledger=None, contract_id: int | None = None, parent: QWidget | None = None, *,
                 form: str | None = None, today=None, pdf: bytes | None = None, name: str | None = None):
        title = i18n.tr("gui.print.title")
        if contract_id is not None and ledger is not None:
            title = i18n.tr("gui.print.title_contract",
                            contract=ledger.get("contract", contract_id).get("contract_no") or contract_id)
        elif name:
            title = f"{title} — {name}"
        super().__init__(title, "print_preview", parent,
                         buttons=QDialogButtonBox.StandardButton.Close)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(i18n.tr("gui.print.close"))
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.ledger, self.contract_id, self.today = ledger, contract_id, today
        self.pdf: bytes | None = None
        self.result = None
        self.missing: list[str] = []
        self.file_name = name or "BrokerDesk"
        self.layout_.setContentsMargins(0, 0, 0, 10)
        self.buttons.setContentsMargins(12, 0, 12, 0)
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        body.addWidget(self._toolbar())
        body.addWidget(self._notice())
        self.view = PageView()
        self.view.pageChanged.connect(self._page_changed)
        self.view.zoomChanged.connect(self._zoom_changed)
        body.addWidget(self.view, 1)
        self.summary = QLabel("")
        self.summary.setObjectName("muted")
        self.layout_.removeWidget(self.buttons)
        bottom = QHBoxLayout()
        bottom.setContentsMargins(14, 0, 0, 0)
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(self.buttons)
        self.layout_.addLayout(bottom)
        for keys, slot in ((QKeySequence.StandardKey.Print, self.print_dialog),
                           (QKeySequence.StandardKey.Save, self.save_pdf),
                           (QKeySequence.StandardKey.ZoomIn, self.view.zoom_in),
                           (QKeySequence("Ctrl+="), self.view.zoom_in),
                           (QKeySequence.StandardKey.ZoomOut, self.view.zoom_out),
                           (QKeySequence("Ctrl+0"), lambda: self.view.set_fit(FIT_WIDTH))):
            QShortcut(keys, self, activated=slot)
        if settings().value("dialogs/print_preview") is None:
            self._default_size()
        self.view.setFocus()
        if pdf is not None:
            self.form_row.setVisible(False)
            self.show_pdf(pdf)
        else:
            self._load_forms(form)
            self.refresh()

    def _default_size(self) -> None:
        screen = QGuiApplication.primaryScreen()
        height = screen.availableGeometry().height() if screen else 1000
        self.resize(960, max(600, min(int(height * 0.9), 1100)))

    # -- building ------------------------------------------------------------------------
    def _toolbar(self) -> QWidget:
        bar = QFrame()
        bar.setObjectName("previewBar")
        bar.setStyleSheet("QFrame#previewBar { background: #ffffff; border-bottom: 1px solid #dde2ea; }"
                          "QToolButton { padding: 4px 8px; border: 1px solid transparent; border-radius: 4px; }"
                          "QToolButton:hover { background: #eef2f8; border: 1px solid #d5dce7; }")
        row = QHBoxLayout(bar)
        row.setContentsMargins(12, 8, 12, 8)
        row.setSpacing(6)
        self.form_row = QWidget()
        form_row = QHBoxLayout(self.form_row)
        form_row.setContentsMargins(0, 0, 0, 0)
        form_row.addWidget(QLabel(i18n.tr("gui.print.form")))
        self.form_box = QComboBox()
        self.form_box.setMinimumWidth(240)
        self.form_box.currentIndexChanged.connect(self._form_changed)
        form_row.addWidget(self.form_box)
        row.addWidget(self.form_row)
        row.addStretch(1)

        def tool(text: str, tip: str, slot) -> QToolButton:
            button = QToolButton()
            button.setText(text)
            button.setToolTip(tip)
            button.setAutoRaise(True)
            button.clicked.connect(slot)
            row.addWidget(button)
            return button

        self.zoom_out_button = tool("－", i18n.tr("gui.print.zoom_out") + "（Ctrl+-）", lambda: self.view.zoom_out())
        self.zoom_box = QComboBox()
        self.zoom_box.addItem(i18n.tr("gui.print.fit_width"), FIT_WIDTH)
        self.zoom_box.addItem(i18n.tr("gui.print.fit_page"), FIT_PAGE)
        for z in ZOOMS:
            self.zoom_box.addItem(f"{z:.0%}", z)
        self.zoom_box.setMinimumWidth(100)
        self.zoom_box.activated.connect(self._zoom_chosen)
        row.addWidget(self.zoom_box)
        self.zoom_in_button = tool("＋", i18n.tr("gui.print.zoom_in") + "（Ctrl++）", lambda: self.view.zoom_in())
        row.addSpacing(14)
        self.previous_button = tool("▲", i18n.tr("gui.print.previous"),
                                    lambda: self.view.go_to_page(self.view.current_page() - 1))
        row.addWidget(QLabel(i18n.tr("gui.print.page_before")))
        self.page_box = QLineEdit()
        self.page_box.setValidator(QIntValidator(1, 999999, self.page_box))
        self.page_box.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.page_box.setFixedWidth(56)
        self.page_box.editingFinished.connect(self._page_typed)
        row.addWidget(self.page_box)
        self.page_count_label = QLabel(i18n.tr("gui.print.page_after", count=0))
        row.addWidget(self.page_count_label)
        self.next_button = tool("▼", i18n.tr("gui.print.next"),
                                lambda: self.view.go_to_page(self.view.current_page() + 1))
        row.addStretch(1)
        self.save_button = QPushButton(i18n.tr("gui.print.save_pdf"))
        self.save_button.setToolTip(i18n.tr("gui.print.save_pdf_tip"))
        self.save_button.clicked.connect(self.save_pdf)
        row.addWidget(self.save_button)
        self.print_button = QPushButton(i18n.tr("gui.print.print"))
        self.print_button.setObjectName("primary")
        self.print_button.setToolTip(i18n.tr("gui.print.print_tip"))
        self.print_button.clicked.connect(self.print_dialog)
        row.addWidget(self.print_button)
        return bar

    def _notice(self) -> QWidget:
        self.notice = QFrame()
        self.notice.setObjectName("notice")
        row = QHBoxLayout(self.notice)
        row.setContentsMargins(14, 10, 14, 10)
        self.notice_label = QLabel("")
        self.notice_label.setWordWrap(True)
        self.notice_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.notice_label, 1)
        self.blank_box = QCheckBox(i18n.tr("gui.print.allow_blank"))
        self.blank_box.toggled.connect(lambda _on: self.refresh())
        row.addWidget(self.blank_box, 0, Qt.AlignmentFlag.AlignVCenter)
        self.notice.setVisible(False)
        return self.notice

    def _set_notice(self, text: str, kind: str = "warning", blank_choice: bool = False) -> None:
        colours = {"warning": ("#fff6e0", "#f0c36d", "#6b4a00"), "info": ("#eef4ff", "#b9cdf3", "#243c6b"),
                   "error": ("#fdecec", "#f3b4b4", "#8a1c1c")}[kind]
        self.notice.setStyleSheet(f"QFrame#notice {{ background: {colours[0]}; border: none;"
                                  f" border-bottom: 1px solid {colours[1]}; }}"
                                  f" QFrame#notice QLabel, QFrame#notice QCheckBox {{ color: {colours[2]}; }}")
        self.notice_label.setText(text)
        self.blank_box.setVisible(blank_choice)
        self.notice.setVisible(bool(text))

    # -- forms ---------------------------------------------------------------------------
    def _load_forms(self, wanted: str | None) -> None:
        from .. import paperwork

        self.forms = [f for f in paperwork.list_forms() if f.per == "contract" and f.in_use]
        wanted = wanted or settings().value("print/form")
        self.form_box.blockSignals(True)
        self.form_box.clear()
        for form in self.forms:
            if form.error:
                text = i18n.tr("gui.print.form_broken", title=form.title)
            elif form.source == "user":
                text = i18n.tr("gui.print.form_user", title=form.title)
            else:
                text = form.title
            self.form_box.addItem(text, form.name)
            if form.error:
                item = self.form_box.model().item(self.form_box.count() - 1)
                item.setEnabled(False)
                item.setToolTip(form.error)
        usable = [i for i, f in enumerate(self.forms) if not f.error]
        chosen = next((i for i in usable if self.forms[i].name == wanted), usable[0] if usable else -1)
        self.form_box.setCurrentIndex(chosen)
        self.form_box.blockSignals(False)

    def reload_forms(self) -> None:
        """Read the templates again (one may have been added or fixed) and render anew."""
        self._load_forms(self.form())
        self.refresh()

    def form_names(self) -> list[str]:
        return [self.form_box.itemData(i) for i in range(self.form_box.count())]

    def form(self) -> str | None:
        return self.form_box.currentData()

    def set_form(self, name: str) -> None:
        self.form_box.setCurrentIndex(self.form_box.findData(name))

    def form_title(self) -> str:
        return next((f.title for f in getattr(self, "forms", []) if f.name == self.form()), self.file_name)

    def _form_changed(self, _index: int) -> None:
        if self.form():
            settings().setValue("print/form", self.form())
        self.blank_box.blockSignals(True)
        self.blank_box.setChecked(False)  # each form asks anew whether blanks are acceptable
        self.blank_box.blockSignals(False)
        self.refresh()

    # -- rendering -----------------------------------------------------------------------
    def refresh(self) -> None:
        """Render the chosen form for the contract again and show it."""
        from .. import paperwork
        from ..ledger import Ledger

        form = self.form()
        if form is None:
            self._show_nothing(i18n.tr("gui.print.no_forms"))
            return
        path, contract_id, today = self.ledger.path, self.contract_id, self.today
        allow_blank = self.blank_box.isChecked()
        self.view.set_document(None, i18n.tr("gui.print.rendering"))

        def work(progress, cancelled):
            out = io.BytesIO()
            with Ledger.open(path, create=False) as led:
                result = paperwork.render(led, form, out, contract_ids=[contract_id], allow_blank=allow_blank,
                                          progress=progress, cancelled=cancelled, today=today)
            return out.getvalue(), result

        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            data, result = jobs.run_job(self, i18n.tr("gui.print.rendering"), work)
        except paperwork.MissingData as e:
            self.missing = missing_fields(e, contract_id)
            self._show_nothing(i18n.tr("gui.print.desk_missing"))
            self._set_notice(i18n.tr("gui.print.missing", form=self.form_title(),
                                     fields="、".join(self.missing) or str(e)), "warning", blank_choice=True)
            return
        except paperwork.TemplateError as e:
            self._show_nothing("")
            self._set_notice(i18n.tr("gui.print.template_error", error=e), "error")
            return
        except (jobs.Cancelled, paperwork.Cancelled):
            self._show_nothing(i18n.tr("gui.print.cancelled"))
            return
        except BrokerDeskError as e:
            self._show_nothing("")
            self._set_notice(i18n.tr("gui.print.failed", error=e), "error")
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.result = result
        self.missing = list((getattr(result, "missing", None) or {}).get(contract_id, []))
        if allow_blank and self.missing:
            self._set_notice(i18n.tr("gui.print.blank_note", fields="、".join(self.missing)), "info",
                             blank_choice=True)
        else:
            self._set_notice("")
        self.show_pdf(data)

    def show_pdf(self, data: bytes) -> None:
        self.pdf = bytes(data)
        pages = PdfPages(self.pdf)
        self.view.set_document(pages)
        if self.view.fit:
            self.view.set_fit(self.view.fit)
        self._enable(True)
        self.summary.setText(i18n.tr("gui.print.summary", form=self.form_title(), pages=len(pages)))
        self._page_changed(0, len(pages))

    def _show_nothing(self, message: str) -> None:
        self.pdf = None
        self.result = None
        self.view.set_document(None, message)
        self._enable(False)
        self.summary.setText("")
        self._page_changed(0, 0)

    def _enable(self, on: bool) -> None:
        for w in (self.print_button, self.save_button, self.zoom_box, self.zoom_in_button, self.zoom_out_button,
                  self.page_box, self.previous_button, self.next_button):
            w.setEnabled(on)

    def page_count(self) -> int:
        return self.view.page_count()

    def page_text(self) -> str:
        count = self.view.page_count()
        return i18n.tr("gui.print.page_text", page=self.view.current_page() + 1 if count else 0, count=count)

    def _page_changed(self, index: int, count: int) -> None:
        self.page_box.setText(str(index + 1) if count else "")
        self.page_count_label.setText(i18n.tr("gui.print.page_after", count=count))
        self.previous_button.setEnabled(count > 0 and index > 0)
        self.next_button.setEnabled(count > 0 and index < count - 1)

    def _page_typed(self) -> None:
        if self.page_box.text().isdigit():
            self.view.go_to_page(min(int(self.page_box.text()), self.page_count()) - 1)
        self._page_changed(self.view.current_page(), self.page_count())

    def _zoom_chosen(self, index: int) -> None:
        value = self.zoom_box.itemData(index)
        if value in (FIT_WIDTH, FIT_PAGE):
            self.view.set_fit(value)
        else:
            self.view.set_zoom(value)
        self.view.setFocus()

    def _zoom_changed(self) -> None:
        view = self.view
        self.zoom_box.blockSignals(True)
        index = self.zoom_box.findData(view.fit) if view.fit else next(
            (i for i in range(self.zoom_box.count()) if self.zoom_box.itemData(i) == round(view.zoom, 2)), -1)
        if index < 0:
            self.zoom_box.setEditable(True)
            self.zoom_box.lineEdit().setReadOnly(True)
            self.zoom_box.setEditText(f"{view.zoom:.0%}")
        else:
            self.zoom_box.setEditable(False)
            self.zoom_box.setCurrentIndex(index)
        self.zoom_box.blockSignals(False)

    def done(self, result: int) -> None:
        self.view.set_document(None)
        super().done(result)


def missing_fields(error: BaseException, contract_id: int | None = None) -> list[str]:
    """The fields a :class:`MissingData` names, as labels (whatever shape the core gives them in)."""
    for attr in ("missing", "fields"):
        value = getattr(error, attr, None)
        if isinstance(value, dict):
            value = value.get(contract_id) or [f for fields in value.values() for f in fields]
        if value:
            return [str(v) for v in value]
    return []
