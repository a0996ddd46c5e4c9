"""Where templates are: the built-in ones (``forms/`` in the source tree, the
``broker_desk.forms`` package once installed) and the user's forms folder, where
a file with a built-in's name wins. Parsed templates are kept while their file
is unchanged.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .. import codes, i18n, paths, userfiles
from ..errors import BrokerDeskError
from .template import Template, TemplateError, load

i18n.register({
    "paperwork.unknown_form": ("没有名为“{name}”的表格模板（可用：{forms}）",
                               "There is no form named “{name}” (available: {forms})"),
})

#: The built-in forms in the order they are listed.
BUILTIN_ORDER = ("技术合同登记表", "技术合同认定登记申请表", "技术性收入核定表", "技术经纪服务确认书", "登记合同汇总表")
SUFFIX = userfiles.SUFFIX


@dataclass(frozen=True)
class FormInfo:
    name: str                 # the file's stem: 技术合同登记表
    title: str
    per: str                  # "contract" | "period"
    source: str               # "builtin" | "user"
    path: Path
    in_use: bool              # the one `print` uses under this name
    overrides_builtin: bool   # a user file with a built-in's name
    error: str | None         # why the template cannot be used (None: it can)


def builtin_dir() -> Path:
    """The built-in templates' folder (installed package, the frozen app's ``broker_desk/forms``,
    else the source tree's ``forms/``)."""
    try:
        folder = Path(str(resources.files("broker_desk.forms")))
        if folder.is_dir():
            return folder
    except (ModuleNotFoundError, TypeError):
        pass
    beside = Path(__file__).resolve().parents[1] / "forms"  # a namespace package has no one path
    return beside if beside.is_dir() else Path(__file__).resolve().parents[2] / "forms"


def user_dir() -> Path:
    return paths.forms_dir()


_cache: dict[Path, tuple[tuple, Template | TemplateError]] = {}


def load_file(path: Path) -> Template:
    """The compiled template of a file (cached while the file and the code tables are unchanged)."""
    path = Path(path)
    try:
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size, id(codes.tables()), i18n.get_language())
    except OSError:
        stamp = None
    hit = _cache.get(path)
    if hit is not None and stamp is not None and hit[0] == stamp:
        if isinstance(hit[1], TemplateError):
            raise hit[1]
        return hit[1]
    try:
        result: Template | TemplateError = load(path)
    except TemplateError as e:
        result = e
    if stamp is not None:
        _cache[path] = (stamp, result)
    if isinstance(result, TemplateError):
        raise result
    return result


def _sort_key(name: str) -> tuple:
    return (BUILTIN_ORDER.index(name), "") if name in BUILTIN_ORDER else (len(BUILTIN_ORDER), name)


def _header(path: Path) -> tuple[str, str]:
    """(title, per) read straight from a file that does not compile, as far as it goes."""
    try:
        form = tomllib.loads(path.read_text(encoding="utf-8-sig")).get("form", {})
        title = form.get("title") if isinstance(form.get("title"), str) else path.stem
        per = form.get("per") if form.get("per") in ("contract", "period") else "contract"
        return title, per
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, AttributeError):
        return path.stem, "contract"


def _info(name: str, path: Path, source: str, in_use: bool, overrides: bool) -> FormInfo:
    try:
        template = load_file(path)
        return FormInfo(name, template.title, template.per, source, path, in_use, overrides, None)
    except TemplateError as e:
        title, per = _header(path)
        return FormInfo(name, title, per, source, path, in_use, overrides, str(e))


def list_forms() -> list[FormInfo]:
    """Every template, built-in and the user's; a user file with a built-in's name is the one in use."""
    builtin, user = userfiles.files(builtin_dir()), userfiles.files(user_dir())
    return [_info(e.name, e.path, e.source, e.in_use, e.overrides_builtin)
            for e in userfiles.entries(builtin, user, key=_sort_key)]


def find(form: str) -> Template:
    """The template in use under ``form`` (a name, a title, or the path of a .toml file)."""
    form = str(form).strip()
    candidate = Path(form).expanduser()
    if form.lower().endswith(SUFFIX) and candidate.is_file():
        return load_file(candidate)
    builtin, user = userfiles.files(builtin_dir()), userfiles.files(user_dir())
    stem = form[:-len(SUFFIX)] if form.lower().endswith(SUFFIX) else form
    path = user.get(stem) or builtin.get(stem)
    if path is None:
        by_title = [info for info in list_forms() if info.in_use and info.title == form]
        if len(by_title) == 1:
            path = by_title[0].path
    if path is None:
        names = sorted(set(builtin) | set(user), key=_sort_key)
        raise BrokerDeskError("paperwork.unknown_form", name=form, forms="、".join(names) or "—")
    return load_file(path)
