"""Paperwork: templates, rendering and the PDFs they make, read back as a person would
(pdftotext / pdffonts, or pdfplumber where poppler is missing: see tests/pdftools.py)."""

from __future__ import annotations

import io
import math
import re
import shutil
import tomllib
from pathlib import Path

import pdfplumber
import pytest
from conftest import DEMO_TODAY
from pdftools import fonts, have_poppler, page_sizes, page_texts, pdf_text, squeeze

from broker_desk import i18n, paperwork, paths
from broker_desk.errors import BrokerDeskError
from broker_desk.money import daxie, yuan_text
from broker_desk.paperwork import data, library, model, text
from broker_desk.paperwork.template import MM, TextSlot, load

FORMS = Path(__file__).resolve().parents[1] / "forms"
CONTRACT_FORMS = ["技术合同登记表", "技术合同认定登记申请表", "技术性收入核定表", "技术经纪服务确认书"]
A4 = (595.28, 841.89)
POPPLER = [True, False] if have_poppler() else [False]


# -- fixtures -------------------------------------------------------------------------

@pytest.fixture
def full(ledger, make):
    """A registered contract with everything the forms print: parties, brokers, itemized costs."""
    buyer = make.client(name="瑞德精密机械（南通）有限公司", credit_code="91110108MA01ABCD1E", nature="企业",
                        enterprise_type="有限责任公司", region="320600", address="江苏省南通市建设路782号",
                        legal_rep="朱玲平", contact="崔雪秀", phone="18217424709")
    seller = make.client(name="北京理工测试大学", credit_code="12100000400001355R", nature="高等院校",
                         region="110108", address="北京市海淀区中关村南大街5号", legal_rep="张校长",
                         contact="李老师", phone="010-68912345")
    zhang = make.broker(name="张三", cert_no="JSJJ2020000001", institution="北京技术转移中心")
    li = make.broker(name="李四", cert_no="JSJJ2021000002", institution="海淀科技成果转化促进中心")
    cid = make.contract(buyer_id=buyer, seller_id=seller, contract_no="HT-2025-001", title="农作物病虫害智能识别样机研制",
                        category="技术开发", subtype="委托开发", amount_fen=125_000_000,
                        deduction_items='[["设备购置费", 20000000], ["原材料费", 5000050]]', field="先进制造",
                        ip_type="发明专利", payment="分期支付", signed_on="2025-03-05", valid_from="2025-03-05",
                        valid_to="2026-03-04", signed_place="北京", commission_fen=3_000_001,
                        brokers=[(zhang, 60), (li, 40)])
    ledger.move(cid, "待提交", "2025-03-10")
    ledger.move(cid, "已受理", "2025-03-12", reg_office="北京技术市场管理办公室")
    ledger.move(cid, "已登记", "2025-04-01", reg_no="2025110108000123", approved_fen=99_999_950)
    return cid


def render_file(ledger, form, tmp_path, **kwargs) -> tuple[Path, paperwork.RenderResult]:
    out = tmp_path / f"{form}.pdf"
    result = paperwork.render(ledger, form, out, today=DEMO_TODAY, **kwargs)
    return out, result


def slot_for(template, path: str) -> TextSlot:
    return next(s for kind in template.slots.values() for s in kind
                if isinstance(s, TextSlot) and any(path in r.paths for r in s.refs))


# -- templates -----------------------------------------------------------------------------

def test_the_five_builtin_forms_are_listed_and_usable():
    forms = paperwork.list_forms()
    assert [f.name for f in forms] == CONTRACT_FORMS + ["登记合同汇总表"]
    assert all(f.source == "builtin" and f.in_use and not f.overrides_builtin and f.error is None for f in forms)
    assert [f.per for f in forms] == ["contract"] * 4 + ["period"]
    assert all(f.path.parent == FORMS and f.path.is_file() for f in forms)


def test_builtin_templates_ship_in_the_package_data():
    config = tomllib.loads((FORMS.parent / "pyproject.toml").read_text(encoding="utf-8"))
    setuptools = config["tool"]["setuptools"]
    assert "broker_desk.paperwork" in setuptools["packages"] and "broker_desk.forms" in setuptools["packages"]
    assert setuptools["package-dir"]["broker_desk.forms"] == "forms"
    assert "*.toml" in setuptools["package-data"]["broker_desk.forms"]
    assert library.builtin_dir().resolve() == FORMS


def test_readme_example_is_a_working_template(ledger, make, tmp_path):
    readme = (FORMS / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```toml\n(.*?)```", readme, re.S).group(1)
    user = paths.forms_dir()
    user.mkdir(parents=True)
    (user / "合同金额确认单.toml").write_text(example, encoding="utf-8")
    cid = make.contract(amount_fen=125_000_000, category="技术开发")
    out, result = render_file(ledger, "合同金额确认单", tmp_path, contract_ids=[cid])
    assert result.pages == 1
    body = squeeze(pdf_text(out))
    assert "壹佰贰拾伍万元整" in body and "¥1,250,000.00" in body and "第1页共1页" in body


def test_every_field_and_format_is_documented():
    readme = (FORMS / "README.md").read_text(encoding="utf-8")
    for path in model.FIELDS:
        prefix, _, name = path.rpartition(".")
        assert f"`{name}`" in readme or f"`{path}`" in readme, path
    for lst in model.LISTS.values():
        assert f"`{lst.name}`" in readme
        for path in lst.rows:
            assert f"`{path}`" in readme, path
    for fmt in model.FORMATS:
        assert f"`{fmt}`" in readme, fmt


def _broken(source: str, old: str, new: str) -> str:
    assert old in source, old
    return source.replace(old, new, 1)


REGISTRATION = (FORMS / "技术合同登记表.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize("old, new, place", [
    ('title = "技术合同登记表"', 'title = "技术合同登记表', r"^坏\.toml:5:\d+: TOML 语法错误"),
    ('field = "buyer.legal_rep"', 'field = "buyer.legal_repp"',
     r"^坏\.toml:\d+: grid\[1\]\.row\[12\]\.cells\[4\]\.field：未知字段“buyer.legal_repp”，是否为“buyer.legal_rep”"),
    ('{ field = "contract.amount_fen", format = "daxie" }', '{ field = "contract.amount_fen", format = "dax" }',
     r"^坏\.toml:\d+: grid\[1\]\.row\[19\]\.cells\[4\]\.format：未知格式“dax”"),
    ('{ w = 64, field = "contract.signed_place" }', '{ w = 64, field = "contract.signed_place", format = "daxie" }',
     r"cells\[2\]\.format：格式“daxie”不适用于字段“contract.signed_place”"),
    ("x = 15\ny = 228.5\nw = 180", "x = 15\ny = 228.5\nw = 190", r"grid\[2\]：.*超出页面可打印区域"),
    ("x = 15\ny = 201\nw = 180", "x = 15\ny = 195\nw = 180", r"table\[1\]：与 grid\[1\] 重叠"),
    ('rows = "brokers"', 'rows = "broker"', r"table\[1\]\.rows：未知列表“broker”"),
    ("h = 11\n", "h = 11\nhh = 3\n", r"grid\[1\]\.row\[7\]\.hh：未知的键“hh”"),
    ('label = "项目名称" }', 'label = "项目名称项目名称项目名称项目名称项目名称项目名称项目名称项目名称" }',
     r"grid\[1\]\.row\[2\]\.cells\[1\]\.label：文字“.*”即使缩小到 6 磅也放不进"),
    ('{ field = "contract.field", required = true }', '{ field = "row.name" }', r"字段“row.name”只能用在表格"),
    ('text = "登记编号：{contract.reg_no}"', 'text = "登记编号：{contract.reg_no"', r"text\[5\]\.text：无法识别的占位符"),
])
def test_a_broken_template_names_its_file_line_and_place(old, new, place, tmp_path):
    path = tmp_path / "坏.toml"
    path.write_text(_broken(REGISTRATION, old, new), encoding="utf-8")
    with pytest.raises(paperwork.TemplateError) as caught:
        load(path)
    message = str(caught.value)
    assert re.search(place, message, re.M), message
    line = re.match(r"^坏\.toml:(\d+)", message)
    source_lines = path.read_text(encoding="utf-8").splitlines()
    assert line and 1 <= int(line.group(1)) <= len(source_lines)


def test_template_errors_speak_english_too(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(_broken(REGISTRATION, 'field = "buyer.legal_rep"', 'field = "buyer.nobody"'), encoding="utf-8")
    i18n.set_language("en")
    with pytest.raises(paperwork.TemplateError) as caught:
        load(path)
    assert "unknown field “buyer.nobody”" in str(caught.value)


def test_a_broken_user_template_is_listed_with_its_error_and_the_others_still_work(ledger, full, tmp_path):
    user = paths.forms_dir()
    user.mkdir(parents=True)
    (user / "坏模板.toml").write_text(_broken(REGISTRATION, 'field = "buyer.legal_rep"', 'field = "buyer.nme"'),
                                     encoding="utf-8")
    (user / "语法错.toml").write_text("[form\ntitle = 1\n", encoding="utf-8")
    listed = {f.name: f for f in paperwork.list_forms()}
    assert listed["坏模板"].source == "user" and listed["坏模板"].in_use
    assert re.search(r"坏模板\.toml:\d+: grid\[1\]\.row\[12\]\.cells\[4\]\.field：未知字段“buyer.nme”",
                     listed["坏模板"].error)
    assert listed["坏模板"].title == "技术合同登记表"
    assert listed["语法错"].error.startswith("语法错.toml:1:") and "TOML" in listed["语法错"].error
    assert all(listed[name].error is None for name in CONTRACT_FORMS)
    with pytest.raises(paperwork.TemplateError):
        paperwork.render(ledger, "坏模板", tmp_path / "x.pdf", contract_ids=[full])
    assert not (tmp_path / "x.pdf").exists()
    out, result = render_file(ledger, "技术合同登记表", tmp_path, contract_ids=[full])
    assert result.pages == 1 and out.exists()


def test_a_user_template_with_a_builtin_name_wins(ledger, full, tmp_path):
    user = paths.forms_dir()
    user.mkdir(parents=True)
    own = _broken(REGISTRATION, 'text = "技术合同登记表"\n', 'text = "某某市技术合同登记表（本所格式）"\n')
    (user / "技术合同登记表.toml").write_text(own, encoding="utf-8")
    listed = [f for f in paperwork.list_forms() if f.name == "技术合同登记表"]
    assert [(f.source, f.in_use, f.overrides_builtin) for f in listed] == [
        ("builtin", False, False), ("user", True, True)]
    out, _ = render_file(ledger, "技术合同登记表", tmp_path, contract_ids=[full])
    assert "某某市技术合同登记表（本所格式）" in pdf_text(out)
    (user / "技术合同登记表.toml").unlink()
    out2 = tmp_path / "again.pdf"
    paperwork.render(ledger, "技术合同登记表", out2, contract_ids=[full])
    assert "本所格式" not in pdf_text(out2)


def test_a_template_file_can_be_printed_by_its_path(ledger, full, tmp_path):
    copy = tmp_path / "试印.toml"
    shutil.copy(FORMS / "技术经纪服务确认书.toml", copy)
    out = tmp_path / "o.pdf"
    paperwork.render(ledger, str(copy), out, contract_ids=[full])
    assert "技术经纪服务确认书" in pdf_text(out)


def test_unknown_form_is_refused_by_name():
    with pytest.raises(BrokerDeskError) as caught:
        paperwork.find_form("没有这张表")
    assert "没有名为“没有这张表”的表格模板" in str(caught.value) and "技术合同登记表" in str(caught.value)


# -- the PDFs -------------------------------------------------------------------------------

@pytest.mark.parametrize("poppler", POPPLER)
def test_registration_form_gives_back_parties_numbers_amounts_and_brokers(ledger, full, tmp_path, poppler):
    out, result = render_file(ledger, "技术合同登记表", tmp_path, contract_ids=[full])
    assert (result.pages, result.contracts, result.missing) == (1, 1, {})
    body = squeeze(pdf_text(out, poppler))
    for expected in ("瑞德精密机械（南通）有限公司", "北京理工测试大学", "2025110108000123", "HT-2025-001",
                     yuan_text(125_000_000), daxie(125_000_000), "壹佰贰拾伍万元整", yuan_text(25_000_050),
                     yuan_text(99_999_950), daxie(99_999_950), "张三", "60%", "李四", "40%", "JSJJ2021000002",
                     "150有限责任公司", "022高等院校", "320600江苏省南通市", "110108北京市海淀区",
                     "2025年3月5日", "2025年4月1日", "2025年3月5日至2026年3月4日", "北京技术市场管理办公室",
                     "第1页共1页"):
        assert squeeze(expected) in body, expected


def ticked(pdf_path: Path, label: str, page: int = 0) -> bool:
    """Whether the check box printed just before ``label`` holds a tick (drawn lines inside it)."""
    with pdfplumber.open(str(pdf_path)) as pdf:
        p = pdf.pages[page]
        words = p.extract_words(keep_blank_chars=False, use_text_flow=True)
        target = next(w for w in words if w["text"] == label or w["text"].startswith(label + "（"))
        boxes = [r for r in p.rects if abs(r["width"] - r["height"]) < 0.5 and r["width"] < 12]
        box = next(r for r in boxes if 0 < target["x0"] - r["x1"] < 6 and abs(
            (r["top"] + r["bottom"]) / 2 - (target["top"] + target["bottom"]) / 2) < 4)
        marks = [c for c in p.curves + p.lines if c["x0"] >= box["x0"] - 1 and c["x1"] <= box["x1"] + 1
                 and c["top"] >= box["top"] - 1 and c["bottom"] <= box["bottom"] + 1]
        return bool(marks)


def test_check_boxes_tick_the_chosen_options(ledger, full, tmp_path):
    out, _ = render_file(ledger, "技术合同登记表", tmp_path, contract_ids=[full])
    assert ticked(out, "技术开发") and not ticked(out, "技术转让") and not ticked(out, "技术服务")
    assert ticked(out, "发明专利") and not ticked(out, "实用新型")
    assert ticked(out, "分期支付") and not ticked(out, "一次总付")


def test_a_value_outside_the_options_ticks_other_and_is_printed(ledger, make, full, tmp_path):
    ledger.update("contract", full, {"payment": "提成支付附加预付入门费"})
    out, _ = render_file(ledger, "技术合同登记表", tmp_path, contract_ids=[full])
    assert ticked(out, "提成支付附加预付入门费")
    user = paths.forms_dir()
    user.mkdir(parents=True)
    narrow = _broken(REGISTRATION, '{ field = "contract.payment", checks = true, other = "其他" }',
                     '{ field = "contract.payment", checks = ["一次总付", "分期支付", "其他"], other = "其他" }')
    (user / "窄.toml").write_text(narrow, encoding="utf-8")
    out = tmp_path / "n.pdf"
    paperwork.render(ledger, "窄", out, contract_ids=[full])
    assert ticked(out, "其他") and "（提成支付附加预付入门费）" in squeeze(pdf_text(out))


@pytest.mark.parametrize("poppler", POPPLER)
def test_every_form_embeds_subset_fonts_only_and_prints_on_a4(ledger, full, tmp_path, poppler):
    for form in CONTRACT_FORMS:
        out, result = render_file(ledger, form, tmp_path, contract_ids=[full])
        found = fonts(out, poppler)
        assert found, form
        assert all(f.embedded and f.subset for f in found), (form, found)
        assert all("NotoSansSC" in f.name for f in found), found
        assert page_sizes(out) == [A4] * result.pages
    out, result = render_file(ledger, "登记合同汇总表", tmp_path, period="2025")
    assert all(f.embedded and f.subset for f in fonts(out, poppler))
    assert [tuple(sorted(size)) for size in page_sizes(out)] == [A4] * result.pages  # A4 landscape


def test_income_form_itemizes_the_costs_and_totals_them(ledger, full, tmp_path):
    out, _ = render_file(ledger, "技术性收入核定表", tmp_path, contract_ids=[full])
    body = squeeze(pdf_text(out))
    assert "设备购置费" in body and "200,000.00" in body and "原材料费" in body and "50,000.50" in body
    assert "非技术性费用合计250,000.50" in body
    assert yuan_text(125_000_000 - 25_000_050) in body and daxie(125_000_000 - 25_000_050) in body
    assert "（盖章）" in body and "核定人（签字）" in body


def test_costs_without_items_print_one_row_with_the_total(ledger, make, tmp_path):
    cid = make.contract(amount_fen=10_000_000, deductions_fen=1_234_500)
    out, _ = render_file(ledger, "技术性收入核定表", tmp_path, contract_ids=[cid], allow_blank=True)
    body = squeeze(pdf_text(out))
    assert "1非技术性费用12,345.00" in body
    assert data.deduction_items({"deductions_fen": 0}) == []
    assert data.deduction_items({"deductions": [("设备费", 5)], "deductions_fen": 5}) == [("设备费", 5)]


def test_service_confirmation_splits_the_commission_exactly(ledger, full, tmp_path):
    out, _ = render_file(ledger, "技术经纪服务确认书", tmp_path, contract_ids=[full])
    body = squeeze(pdf_text(out))
    # 30,000.01 yuan at 60/40: 18,000.01 + 12,000.00 (the odd fen to the larger remainder)
    assert "张三" in body and "18,000.01" in body and "李四" in body and "12,000.00" in body
    assert "合计30,000.01" in body and daxie(3_000_001) in body
    assert "买方（盖章）" in body and "卖方（盖章）" in body and "技术经纪人（签字）" in body


@pytest.mark.parametrize("total, shares", [(3_000_001, [6000, 4000]), (100, [3333, 3333, 3334]), (7, [5000, 5000]),
                                           (0, [10000]), (999_999_999, [1, 9999])])
def test_commission_parts_add_up_to_the_total(total, shares):
    parts = data.split_commission(total, shares)
    assert sum(parts) == total
    for part, share in zip(parts, shares, strict=True):
        assert abs(part - total * share / sum(shares)) < 1
    assert data.split_commission(None, shares) == [None] * len(shares)


def test_application_lists_materials_with_ticks(ledger, full, tmp_path):
    out, _ = render_file(ledger, "技术合同认定登记申请表", tmp_path, contract_ids=[full])
    body = squeeze(pdf_text(out))
    for item in ("技术合同文本", "营业执照或事业单位法人证书复印件", "法定代表人授权委托书", "专利证书", "其他："):
        assert item in body
    assert ticked(out, "技术合同文本") and ticked(out, "专利证书、专利申请受理通知书或其他权属证明复印件")
    assert not ticked(out, "法定代表人授权委托书及经办人身份证明") and ticked(out, "非技术性费用明细及相关凭证")


def test_an_overlong_title_shrinks_and_wraps_inside_its_box(ledger, make, tmp_path):
    title = "面向复杂农田环境的多源遥感与深度学习融合的农作物病虫害智能识别、预警及精准施药一体化系统关键技术研究与示范应用" * 2
    cid = make.contract(title=title[:118])
    out, _ = render_file(ledger, "技术合同登记表", tmp_path, contract_ids=[cid], allow_blank=True)
    template = library.find("技术合同登记表")
    slot = slot_for(template, "contract.title")
    height = template.page_h
    left, right = slot.x, slot.x + slot.w
    top, bottom = height - (slot.y + slot.h), height - slot.y
    with pdfplumber.open(str(out)) as pdf:
        chars = [c for c in pdf.pages[0].chars if top - 20 < c["top"] < bottom + 20 and c["x0"] >= left - 5
                 and c["text"] in title[:118]]
    inside = [c for c in chars if left - 0.01 <= c["x0"] and c["x1"] <= right + 0.01
              and top - 0.5 <= c["top"] and c["bottom"] <= bottom + 0.5]
    assert "".join(c["text"] for c in inside) == title[:118]  # every character, in order, nothing cut
    assert len({round(c["top"]) for c in inside}) >= 2  # wrapped
    assert min(c["size"] for c in inside) >= 6 - 0.01  # not below the minimum size
    assert len(chars) == len(inside)  # and nothing of it outside the box


def test_a_title_that_cannot_fit_even_small_is_an_error_naming_the_field(ledger, make, tmp_path):
    cid = make.contract(title="很长的项目名称" * 28)
    out = tmp_path / "o.pdf"
    with pytest.raises(paperwork.TextOverflow) as caught:
        paperwork.render(ledger, "技术合同登记表", out, contract_ids=[cid], allow_blank=True)
    message = str(caught.value)
    assert "项目名称" in message and "HT-" in message and "grid[1].row[2].cells[2]" in message
    assert not out.exists()


def test_fit_never_exceeds_the_box():
    for content in ("技术合同", "JS2021-25159-756", "中国科学院深圳先进技术研究院（深圳）有限公司", "x" * 80, "甲" * 200):
        for width, height in ((40, 12), (120, 24), (300, 30), (60, 60)):
            fitted = text.fit(content, width, height, 9, 6)
            if fitted is None:
                continue
            assert fitted.size >= 6 and all(w <= width + 1e-6 for w in fitted.widths)
            assert text.block_height(fitted) <= height + 1e-6
            assert "".join(fitted.lines).replace(" ", "") == content.replace(" ", "")
    assert text.fit("甲" * 200, 40, 12, 9, 6) is None
    # closing punctuation never starts a line
    lines = text.wrap("甲乙丙丁戊己庚辛，壬癸。", 8 * 9, 9)
    assert all(line[0] not in text.NO_START for line in lines[1:])


def test_missing_required_fields_are_named_and_nothing_is_written(ledger, make, tmp_path):
    cid = make.contract(contract_no="HT-缺")
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "o.pdf"
    with pytest.raises(paperwork.MissingData) as caught:
        paperwork.render(ledger, "技术合同登记表", out, contract_ids=[cid])
    error = caught.value
    assert error.missing == {cid: ["技术领域", "登记编号", "登记日期", "核定技术交易额"]}
    assert "合同 HT-缺" in str(error) and "技术领域、登记编号、登记日期、核定技术交易额" in str(error)
    assert list(folder.iterdir()) == []
    result = paperwork.render(ledger, "技术合同登记表", out, contract_ids=[cid], allow_blank=True)
    assert result.missing == {cid: ["技术领域", "登记编号", "登记日期", "核定技术交易额"]} and out.exists()
    with pytest.raises(paperwork.MissingData) as caught:
        paperwork.render(ledger, "技术经纪服务确认书", out, contract_ids=[cid])
    assert caught.value.missing == {cid: ["技术经纪人", "技术领域", "佣金总额"]}


def test_batch_continues_a_long_broker_list_with_the_header_repeated(ledger, make, tmp_path, full):
    brokers = [make.broker(name=f"经纪人{i:02d}", cert_no=f"CERT{i:04d}") for i in range(12)]
    shares = [8.25] * 11 + [9.25]
    many = make.contract(contract_no="HT-MANY", brokers=list(zip(brokers, shares, strict=True)),
                         commission_fen=1_200_000)
    out, result = render_file(ledger, "技术合同登记表", tmp_path, contract_ids=[full, many], allow_blank=True)
    pages = page_texts(out)
    assert result.pages == len(pages) == 3 and result.contracts == 2
    assert "第 1 页　共 1 页" in pages[0] or "第1页共1页" in squeeze(pages[0])
    assert "第1页共2页" in squeeze(pages[1]) and "第2页共2页" in squeeze(pages[2])
    assert "技术合同登记表（续页）" in squeeze(pages[2]) and "HT-MANY" in pages[2]
    for header in ("序号", "姓名", "证书编号", "所属机构", "份额"):
        assert header in pages[1] and header in pages[2]
    assert all(f"经纪人{i:02d}" in pages[1] for i in range(3)) and "经纪人03" not in pages[1]
    assert all(f"经纪人{i:02d}" in pages[2] for i in range(3, 12))


def test_a_month_batch_is_one_pdf_in_registration_order(demo_ledger, tmp_path):
    month = demo_ledger.conn.execute(
        "SELECT substr(registered_on, 1, 7) m FROM contracts WHERE status = '已登记' GROUP BY m "
        "ORDER BY count(*) DESC, m LIMIT 1").fetchone()[0]
    ids = paperwork.registered_in(demo_ledger, month)
    assert len(ids) >= 10
    out, result = render_file(demo_ledger, "技术合同登记表", tmp_path, period=month)
    pages = page_texts(out)
    table = library.find("技术合同登记表").tables[0]
    expected = sum(1 + math.ceil(max(0, len(demo_ledger.get("contract", i)["brokers"]) - table.first_rows)
                                 / table.cont_rows) for i in ids)
    assert result.contracts == len(ids) and result.pages == len(pages) == expected
    reg_nos = [demo_ledger.get("contract", i)["reg_no"] for i in ids]
    first_pages = [p for p in pages if "（续页）" not in p]
    assert [re.search(r"登记编号：\s*(\d+)", p).group(1) for p in first_pages] == reg_nos
    assert all(p.count("技术合同登记表") >= 1 for p in pages)


def test_period_summary_totals_equal_the_ledger_sums(demo_ledger, tmp_path):
    out, result = render_file(demo_ledger, "登记合同汇总表", tmp_path, period="2025")
    ids = paperwork.registered_in(demo_ledger, "2025")
    pages = page_texts(out)
    assert result.pages == len(pages) > 1 and result.contracts == len(ids)
    for page in pages:  # the header on every page
        assert "登记合同汇总表" in page and "2025年1月1日至2025年12月31日" in squeeze(page)
        for header in ("序号", "登记编号", "合同编号", "项目名称", "卖方", "买方", "合同成交额", "核定技术交易额"):
            assert header in page
    assert "第1页共" in squeeze(pages[0])
    conn = demo_ledger.conn
    where = "status = '已登记' AND registered_on >= '2025-01-01' AND registered_on < '2026-01-01'"
    amount, tech, approved, count = conn.execute(
        f"SELECT sum(amount_fen), sum(tech_fen), sum(approved_fen), count(*) FROM contracts WHERE {where}").fetchone()
    last = squeeze(pages[-1])
    assert f"合计（{count}份）{yuan_text(amount)}{yuan_text(tech)}{yuan_text(approved)}" in last
    for category, n, a, t, p in conn.execute(
            f"SELECT category, count(*), sum(amount_fen), sum(tech_fen), sum(approved_fen) FROM contracts "
            f"WHERE {where} GROUP BY category"):
        assert f"{category}小计（{n}份）{yuan_text(a)}{yuan_text(t)}{yuan_text(p)}" in squeeze(pdf_text(out))
    body = squeeze(pdf_text(out))
    for contract_id in ids:  # every contract listed once
        assert body.count(demo_ledger.get("contract", contract_id)["reg_no"]) == 1


def test_an_empty_period_prints_a_nil_summary(demo_ledger, tmp_path):
    out, result = render_file(demo_ledger, "登记合同汇总表", tmp_path, period="2030-01")
    assert result.contracts == 0 and result.pages == 1
    assert "（本期无登记合同）" in pdf_text(out) and "合计（0份）0.00" in squeeze(pdf_text(out))
    with pytest.raises(BrokerDeskError, match="没有已登记的合同"):
        paperwork.render(demo_ledger, "技术合同登记表", tmp_path / "none.pdf", period="2030-01")


def test_find_contract_by_uid_registration_number_or_contract_number(ledger, make, full):
    row = ledger.get("contract", full)
    assert paperwork.find_contract(ledger, row["uid"]) == full
    assert paperwork.find_contract(ledger, "2025110108000123") == full
    assert paperwork.find_contract(ledger, " HT-2025-001 ") == full
    other_seller = make.client(name="另一所大学", nature="高等院校")
    make.contract(contract_no="HT-2025-001", seller_id=other_seller)
    with pytest.raises(Exception) as caught:
        paperwork.find_contract(ledger, "HT-2025-001")
    assert "对应 2 份合同" in str(caught.value) and "另一所大学" in str(caught.value)
    with pytest.raises(Exception) as caught:
        paperwork.find_contract(ledger, "HT-404")
    assert "找不到合同“HT-404”" in str(caught.value)


def test_registered_in_a_year_or_month_in_order(demo_ledger):
    year = paperwork.registered_in(demo_ledger, "2025")
    march = paperwork.registered_in(demo_ledger, "2025-03")
    assert set(march) <= set(year) and march
    rows = [demo_ledger.get("contract", i) for i in year]
    assert all(r["status"] == "已登记" and r["registered_on"].startswith("2025") for r in rows)
    assert [(r["registered_on"], r["reg_no"]) for r in rows] == sorted((r["registered_on"], r["reg_no"]) for r in rows)
    for bad in ("2025-13", "25", "2025-00", "last year", ""):
        with pytest.raises(Exception) as caught:
            paperwork.registered_in(demo_ledger, bad)
        assert "无法识别" in str(caught.value)


def test_render_into_a_file_object_and_progress(ledger, full):
    buffer = io.BytesIO()
    seen = []
    result = paperwork.render(ledger, "技术合同登记表", buffer, contract_ids=[full, full],
                              progress=lambda f, m: seen.append((f, m)))
    assert buffer.getvalue().startswith(b"%PDF") and result.pages == 2
    assert seen and seen[-1][0] == 1.0 and all(0 <= f <= 1 for f, _ in seen)


def test_a_cancelled_job_leaves_no_file(demo_ledger, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "batch.pdf"
    calls = []

    def cancelled():
        calls.append(1)
        return len(calls) > 5

    with pytest.raises(paperwork.Cancelled) as caught:
        paperwork.render(demo_ledger, "技术合同登记表", out, period="2025", cancelled=cancelled)
    assert str(caught.value) == "已取消打印，未写入文件"
    assert list(folder.iterdir()) == []


def test_an_existing_file_is_replaced_only_whole(ledger, full, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "o.pdf"
    out.write_bytes(b"old")
    with pytest.raises(paperwork.MissingData):
        paperwork.render(ledger, "技术合同登记表", out, contract_ids=[full, ledger.add("contract", {
            "contract_no": "X", "title": "x", "category": "技术开发", "buyer_id": ledger.get("contract", full)["buyer_id"],
            "seller_id": ledger.get("contract", full)["seller_id"], "signed_on": "2025-01-01",
            "amount_fen": 1}).id])
    assert out.read_bytes() == b"old"
    paperwork.render(ledger, "技术合同登记表", out, contract_ids=[full])
    assert out.read_bytes().startswith(b"%PDF") and sorted(p.name for p in folder.iterdir()) == ["o.pdf"]


def test_check_target_refuses_other_names_and_existing_files(tmp_path):
    with pytest.raises(Exception, match="不是 .pdf 文件名"):
        paperwork.check_target(tmp_path / "x.txt")
    with pytest.raises(Exception, match="不存在"):
        paperwork.check_target(tmp_path / "no" / "x.pdf")
    (tmp_path / "x.pdf").write_bytes(b"")
    with pytest.raises(Exception, match="已存在"):
        paperwork.check_target(tmp_path / "x.pdf")
    assert paperwork.check_target(tmp_path / "x.pdf", overwrite=True) == tmp_path / "x.pdf"


def test_template_scale_in_millimetres_matches_the_page():
    template = library.find("技术合同登记表")
    assert (round(template.page_w, 2), round(template.page_h, 2)) == A4
    slot = slot_for(template, "contract.title")
    assert 15 * MM < slot.x < 50 * MM and slot.x + slot.w <= 195 * MM
