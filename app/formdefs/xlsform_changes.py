"""What changed between two versions of a form, in words, and what may not change.

Pure: two definitions (forms/*.json's shape) in, sentences in Chinese and English out. A county
may change labels, hints, units, choices, bounds, `required`, the order of questions and add
questions; it may not remove a field an indicator reads, nor remove or rename (a rename is a
removal and an addition) a field with stored answers, nor change the type of a field with
answers: the answers and the roll-ups are kept under the field's name and type.
"""

from app.formdefs.xlsform_sheets import calculation_text, constraint_text


def _fields(definition: dict) -> dict[str, dict]:
    return {row["name"]: row for row in definition["survey"]}


def _rules(definition: dict) -> dict[str, dict]:
    return {c["path"]: c for c in definition.get("constraints", [])}


def _said(zh: str, en: str) -> dict:
    return {"zh": zh, "en": en}


def refusals(old: dict, new: dict, answered: set[str], indicator_fields: set[str]) -> list[dict]:
    """Why `new` cannot replace `old`: `answered` are the field names with stored answers,
    `indicator_fields` those an indicator reads (names of this form)."""
    before, after = _fields(old), _fields(new)
    found = []
    for name, row in before.items():
        if name not in after:
            if name in indicator_fields:
                found.append(
                    _said(
                        f"字段 {name} 被指标使用，不能删除或改名",
                        f"{name} is read by an indicator: it cannot be removed or renamed",
                    )
                )
            elif name in answered:
                found.append(
                    _said(
                        f"字段 {name} 已有答案，不能删除或改名（可新增字段）",
                        f"{name} has answers: it cannot be removed or renamed (add a new one)",
                    )
                )
        elif after[name]["type"] != row["type"] and name in answered:
            found.append(
                _said(
                    f"字段 {name} 已有答案，类型不能由 {row['type']} 改为 {after[name]['type']}",
                    f"{name} has answers: its type cannot change from {row['type']} "
                    f"to {after[name]['type']}",
                )
            )
    return found


def _label(row: dict, lang: str) -> str:
    return row["label"][lang]


def changes(old: dict, new: dict) -> list[dict]:
    """The differences, one sentence each (both languages), in the form's order."""
    before, after = _fields(old), _fields(new)
    out = []
    title_old, title_new = old["settings"]["form_title"], new["settings"]["form_title"]
    if title_old != title_new:
        out.append(_said(f"表单标题改为“{title_new['zh']}”", f"title now {title_new['en']!r}"))
    for name, row in after.items():
        if name not in before:
            out.append(
                _said(
                    f"新增字段 {name}“{_label(row, 'zh')}”",
                    f"new field {name} ({row['label']['en']})",
                )
            )
            if row.get("required"):  # a phone's queued inspections do not have it
                out.append(
                    _said(
                        f"注意：{name} 为必填，手机上按旧版填写、尚未发送的检查将被退回补填",
                        f"note: {name} is required; inspections queued on phones under the old "
                        "version will come back asking for it",
                    )
                )
            continue
        out.extend(_field_changes(name, before[name], row, old, new))
    for name in before:
        if name not in after:
            out.append(_said(f"删除字段 {name}", f"field {name} removed"))
    kept_old = [n for n in before if n in after]
    kept_new = [n for n in after if n in before]
    if kept_old != kept_new:
        out.append(_said("字段顺序有变化", "the order of the fields changed"))
    for list_name in sorted(set(old.get("choices", {})) | set(new.get("choices", {}))):
        was = {c["name"]: c for c in old.get("choices", {}).get(list_name, [])}
        now = {c["name"]: c for c in new.get("choices", {}).get(list_name, [])}
        for name in now.keys() - was.keys():
            out.append(_said(f"列表 {list_name} 新增选项 {name}", f"list {list_name}: new {name}"))
        for name in was.keys() - now.keys():
            out.append(_said(f"列表 {list_name} 删除选项 {name}", f"list {list_name}: {name} gone"))
        for name in now.keys() & was.keys():
            if now[name]["label"] != was[name]["label"]:
                zh, en = "选项文字改变", "label changed"
                out.append(
                    _said(f"列表 {list_name} 选项 {name}：{zh}", f"{list_name}.{name}: {en}")
                )
    return out


_WORDS = {
    "label": ("标题", "label"),
    "hint": ("提示", "hint"),
    "unit": ("单位", "unit"),
    "required": ("必填", "required"),
    "type": ("类型", "type"),
    "default": ("默认选项", "default"),
}


def _field_changes(name: str, was: dict, now: dict, old: dict, new: dict) -> list[dict]:
    out = []
    for key, (zh, en) in _WORDS.items():
        if was.get(key) != now.get(key):
            shown = now.get(key)
            if isinstance(shown, dict):
                shown_zh, shown_en = shown["zh"], shown["en"]
            elif isinstance(shown, bool):
                shown_zh, shown_en = ("是", "yes") if shown else ("否", "no")
            else:
                shown_zh = "无" if shown is None else str(shown)
                shown_en = "none" if shown is None else str(shown)
            out.append(_said(f"{name} 的{zh}改为“{shown_zh}”", f"{name}: {en} now {shown_en!r}"))
    rule_was, rule_now = _rules(old).get(name), _rules(new).get(name)
    if constraint_text(was, rule_was) != constraint_text(now, rule_now):
        text = constraint_text(now, rule_now) or "无"
        out.append(_said(f"{name} 的约束改为 {text}", f"{name}: constraint now {text}"))
    elif (rule_was or {}).get("message") != (rule_now or {}).get("message") or was.get(
        "constraint_message"
    ) != now.get("constraint_message"):
        out.append(_said(f"{name} 的约束提示改变", f"{name}: constraint message changed"))
    calc_was = calculation_text(was["calculate"]) if "calculate" in was else ""
    calc_now = calculation_text(now["calculate"]) if "calculate" in now else ""
    if calc_was != calc_now:
        out.append(
            _said(f"{name} 的估算改为 {calc_now or '无'}", f"{name}: estimate now {calc_now}")
        )
    return out


def indicator_changes(old: dict | None, new: dict) -> list[dict]:
    """The county's own indicators of the form (its definition's `indicators`), in words."""
    was = {i["key"]: i for i in (old or {}).get("indicators", [])}
    now = {i["key"]: i for i in new.get("indicators", [])}
    out = []
    for key, indicator in now.items():
        if key not in was:
            label = indicator["label"]
            out.append(
                _said(f"新增指标 {key}“{label['zh']}”", f"new indicator {key} ({label['en']})")
            )
        elif was[key] != indicator:
            out.append(_said(f"指标 {key} 有改动", f"indicator {key} changed"))
    for key in was.keys() - now.keys():
        out.append(_said(f"删除指标 {key}", f"indicator {key} removed"))
    return out
