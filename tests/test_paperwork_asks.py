"""A form asks for what it shows, and only that: the fields each of the five built-in forms
refuses to print without are fields it prints, checked through ``broker-desk print`` and the
PDF's text (pdftotext)."""

from __future__ import annotations

import pytest
from pdftools import have_poppler, pdf_text, squeeze

from broker_desk.cli import main
from broker_desk.paperwork import library, model
from broker_desk.paperwork.render import asked
from broker_desk.paperwork.template import CheckSlot, TextSlot

pytestmark = pytest.mark.skipif(not have_poppler(), reason="pdftotext is not installed")

CONTRACT_FORMS = ["技术合同登记表", "技术合同认定登记申请表", "技术性收入核定表", "技术经纪服务确认书"]


@pytest.fixture
def db(tmp_path, make, ledger):
    buyer = make.client(name="瑞德精密机械（南通）有限公司")
    seller = make.client(name="北京理工测试大学")
    broker = make.broker(name="张三")
    common = {"buyer_id": buyer, "seller_id": seller, "amount_fen": 50_000_000, "signed_on": "2025-03-05",
              "brokers": [(broker, 100)], "commission_fen": 1_000_000}
    # 技术咨询 without a subtype, its field known; 技术开发 with its subtype, its field not
    make.contract(contract_no="ZX-1", title="产业技术路线咨询", category="技术咨询", subtype=None, field="电子信息",
                  **common)
    make.contract(contract_no="KF-1", title="样机研制", category="技术开发", subtype="委托开发", **common)
    return str(ledger.path)


def print_form(db, form, contract, tmp_path, capsys) -> tuple[int, str, str]:
    out = tmp_path / f"{form}-{contract}.pdf"
    capsys.readouterr()
    code = main(["--db", db, "print", form, "--contract", contract, "--out", str(out)])
    err = capsys.readouterr().err
    return code, err, pdf_text(out) if out.exists() else ""


@pytest.mark.parametrize("form", ["技术性收入核定表", "技术合同认定登记申请表", "技术经纪服务确认书"])
def test_no_subtype_is_no_reason_to_refuse(db, form, tmp_path, capsys):
    code, err, text = print_form(db, form, "ZX-1", tmp_path, capsys)
    assert (code, err) == (0, "")
    assert "技术咨询" in squeeze(text) and "电子信息" in text


@pytest.mark.parametrize("form", ["技术性收入核定表", "技术合同认定登记申请表", "技术经纪服务确认书"])
def test_a_blank_field_it_prints_is_asked_for(db, form, tmp_path, capsys):
    code, err, text = print_form(db, form, "KF-1", tmp_path, capsys)
    assert code == 1 and text == ""
    assert err.splitlines()[:2] == [f"错误：“{form}”缺少必填内容（1 份）：", "  合同 KF-1（样机研制）：技术领域"]


def test_the_registration_form_asks_for_the_field_and_the_registration(db, tmp_path, capsys):
    code, err, _ = print_form(db, "技术合同登记表", "ZX-1", tmp_path, capsys)
    assert code == 1 and err.splitlines()[1] == "  合同 ZX-1（产业技术路线咨询）：登记编号、登记日期、核定技术交易额"
    code, err, _ = print_form(db, "技术合同登记表", "KF-1", tmp_path, capsys)
    assert code == 1 and err.splitlines()[1] == "  合同 KF-1（样机研制）：技术领域、登记编号、登记日期、核定技术交易额"


def _asked_paths(template) -> set[str]:
    paths = set()
    for slots in template.slots.values():
        for slot in slots:
            if isinstance(slot, TextSlot):
                paths.update(r.defs[0].path for r in asked(slot.refs, slot.required))
            elif isinstance(slot, CheckSlot) and asked([slot.ref], slot.required):
                paths.add(slot.ref.defs[0].path)
    return paths


def _printed_paths(template) -> set[str]:
    paths = set()
    for slots in template.slots.values():
        for slot in slots:
            refs = slot.refs if isinstance(slot, TextSlot) else [slot.ref] if isinstance(slot, CheckSlot) else []
            paths.update(p for r in refs for p in r.paths)
    return paths


@pytest.mark.parametrize("form", [*CONTRACT_FORMS, "登记合同汇总表"])
def test_each_form_asks_only_for_fields_it_prints(form):
    template = library.find(form)
    asked_paths = _asked_paths(template)
    assert asked_paths <= _printed_paths(template)
    # what the ledger requires of every contract is asked for wherever a form prints it
    assert {p for p in _printed_paths(template) if model.essential(p)} <= asked_paths
    assert "contract.subtype" not in asked_paths


def test_what_each_form_asks_for():
    expected = {
        "技术合同登记表": {"contract.title", "contract.contract_no", "contract.category", "contract.field",
                     "contract.signed_on", "contract.amount_fen", "buyer.name", "seller.name", "contract.reg_no",
                     "contract.registered_on", "contract.approved_fen"},
        "技术合同认定登记申请表": {"contract.title", "contract.contract_no", "contract.category", "contract.field",
                          "contract.signed_on", "contract.amount_fen", "buyer.name", "seller.name"},
        "技术性收入核定表": {"contract.title", "contract.contract_no", "contract.category", "contract.field",
                      "contract.signed_on", "contract.amount_fen", "buyer.name", "seller.name", "contract.tech_fen"},
        "技术经纪服务确认书": {"contract.title", "contract.contract_no", "contract.category", "contract.field",
                       "contract.signed_on", "contract.amount_fen", "buyer.name", "seller.name",
                       "contract.commission_fen"},
        "登记合同汇总表": set(),
    }
    assert {form: _asked_paths(library.find(form)) for form in expected} == expected


def test_every_asked_field_shows_on_the_printed_form(tmp_path, make, ledger, capsys):
    """Filled in, each form prints the value of every field it asks for."""
    buyer = make.client(name="瑞德精密机械（南通）有限公司")
    seller = make.client(name="北京理工测试大学")
    broker = make.broker(name="张三")
    cid = make.contract(contract_no="HT-9", title="样机研制", category="技术开发", subtype="委托开发",
                        field="先进制造", buyer_id=buyer, seller_id=seller, amount_fen=50_000_000,
                        deductions_fen=10_000_000, signed_on="2025-03-05", brokers=[(broker, 100)],
                        commission_fen=1_234_500)
    ledger.move(cid, "待提交", "2025-03-10")
    ledger.move(cid, "已受理", "2025-03-12", reg_office="北京技术市场管理办公室")
    ledger.move(cid, "已登记", "2025-04-01", reg_no="2025110108000123", approved_fen=39_000_000)
    shown = {"contract.title": "样机研制", "contract.contract_no": "HT-9", "contract.category": "技术开发",
             "contract.field": "先进制造", "contract.signed_on": "2025年3月5日", "contract.amount_fen": "500,000.00",
             "buyer.name": "瑞德精密机械（南通）有限公司", "seller.name": "北京理工测试大学",
             "contract.reg_no": "2025110108000123", "contract.registered_on": "2025年4月1日",
             "contract.approved_fen": "390,000.00", "contract.tech_fen": "400,000.00",
             "contract.commission_fen": "12,345.00"}
    for form in CONTRACT_FORMS:
        code, err, text = print_form(str(ledger.path), form, "HT-9", tmp_path, capsys)
        assert (code, err) == (0, ""), form
        for path in _asked_paths(library.find(form)):
            if path == "contract.category" and form in ("技术合同登记表", "技术合同认定登记申请表"):
                continue  # a row of check boxes: the ticks are tested in test_paperwork
            assert squeeze(shown[path]) in squeeze(text), (form, path)


def test_a_contract_without_a_field_prints_with_allow_blank(db, tmp_path, capsys):
    out = tmp_path / "o.pdf"
    assert main(["--db", db, "print", "技术性收入核定表", "--contract", "KF-1", "--out", str(out),
                 "--allow-blank"]) == 0
    assert "样机研制" in pdf_text(out)
