"""The 技术需求 page: the demand list with its filters 状态, 技术领域 and 需求方, whose choices
follow the ledger (fields and clients come and go; what is chosen stays chosen)."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import QHBoxLayout

from .. import i18n, listing
from .lists import ListPage
from .models import code_text

i18n.register({
    "gui.list.demand": ("技术需求", "Demands"),
    "gui.search.demand": ("搜索需求名称、关键词或需求描述（Ctrl+F）", "Search title, keywords or description (Ctrl+F)"),
    "gui.filter.all_fields": ("全部技术领域", "All fields"),
    "gui.filter.all_clients": ("全部需求方", "All demand sides"),
})


class DemandsPage(ListPage):
    def add_filters(self, bar: QHBoxLayout) -> None:
        for name, all_key in (("status", "gui.filter.all_statuses"), ("field", "gui.filter.all_fields"),
                              ("client", "gui.filter.all_clients")):
            self.filter_combo(bar, name, i18n.tr(all_key), [])
        self._choices()
        self.clear_button(bar)

    def _choices(self) -> None:
        """The filters' choices as the ledger has them now; what is chosen stays chosen."""
        facets = listing.demand_facets(self.model.ledger)
        for name, items in (("status", [(code_text("demand_status", s), s) for s in facets["statuses"]]),
                            ("field", [(code_text("tech_field", f), f) for f in facets["fields"]]),
                            ("client", [(n, i) for i, n in facets["clients"]])):
            box = self.filter_widgets[name]
            chosen = box.currentData()
            with QSignalBlocker(box):
                while box.count() > 1:
                    box.removeItem(1)
                for text, data in items:
                    box.addItem(text, data)
                box.setCurrentIndex(max(box.findData(chosen), 0) if chosen is not None else 0)

    def filters(self) -> listing.DemandFilters:
        w = self.filter_widgets
        return listing.DemandFilters(status=w["status"].currentData(), field=w["field"].currentData(),
                                     client_id=w["client"].currentData())

    def refresh(self) -> None:
        self._choices()
        self.model.filters = self.filters()  # a chosen client or field may be gone
        super().refresh()
