#!/usr/bin/env python3
"""Checks reference/search/remedies.csv (stdlib only).

Format: `触发词1|触发词2|…,对策1|对策2|…`, one ASCII comma a line, `#` comments.
Checks: one comma a line and none (ASCII or full-width) inside an item; no empty item; every
trigger and remedy at least two characters; no trigger in two rows (compared as the analyser
would see them: full-width folded, lower-cased, synonyms applied); no generic trigger or remedy; no remedy twice
in a row; no trigger that is an entry of synonyms.csv (that table says what means the same,
this one what answers a problem). Prints rows and triggers; exit 1 on any fault.

    python3 reference/search/check_remedies.py [a copy of the table to check instead]
"""
import os
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))

# Words that would fire on, or match, half the needs or offers of a district.
GENERIC_TRIGGERS = {
    "问题", "设备", "服务", "需要", "需求", "招聘", "人员", "材料", "加工", "技术", "产品", "生产",
    "采购", "合作", "企业", "公司", "项目", "工程师", "提供", "寻找", "供应", "解决", "帮忙", "咨询",
    "方案", "系统", "工厂", "客户", "质量", "管理", "工作", "岗位", "业务", "对接", "资源",
}
GENERIC_REMEDIES = {
    "服务", "设备", "加工", "工程师", "技术", "产品", "材料", "咨询", "方案", "解决方案", "系统",
    "生产", "供应", "公司", "企业", "工厂", "合作", "项目", "人员", "外包", "代理", "销售",
}


def norm(s):
    return unicodedata.normalize("NFKC", s).lower().strip()


# Triggers of the first table (568 rows, 2026-12-05) that are synonyms.csv entries; kept as
# written (the analyser folds them to the canonical form anyway). No new trigger may join them.
OLD_SYNONYM_TRIGGERS = {"冷藏运输"}


def read_synonyms(path):
    """All entries, and the (written, canonical) pairs, longest written form first."""
    entries, pairs = set(), []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            items = [norm(i) for i in line.split(",") if i.strip()]
            entries.update(items)
            pairs.extend((w, items[0]) for w in items[1:])
    pairs.sort(key=lambda p: -len(p[0]))
    return entries, pairs


def canonical(s, pairs):
    """Roughly what the analyser matches on: longest written form first, each place once."""
    out, i = [], 0
    while i < len(s):
        for w, c in pairs:
            if s.startswith(w, i) and not (w[0].isdigit() and i > 0 and s[i - 1].isdigit()):
                out.append(c)
                i += len(w)
                break
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


def main():
    table = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "remedies.csv")
    synonyms, pairs = read_synonyms(os.path.join(HERE, "synonyms.csv"))
    faults = []
    seen = {}  # normalised trigger -> line number
    rows = triggers = remedies = 0
    with open(table, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for no, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        rows += 1
        if line.count(",") != 1:
            faults.append(f"{no}: {line.count(',')} commas (one a line): {line}")
            continue
        if "，" in line:
            faults.append(f"{no}: full-width comma inside an item: {line}")
        left, right = line.split(",")
        ts = [t.strip() for t in left.split("|")]
        rs = [r.strip() for r in right.split("|")]
        if any(not t for t in ts) or any(not r for r in rs):
            faults.append(f"{no}: empty item: {line}")
        ts = [t for t in ts if t]
        rs = [r for r in rs if r]
        if not ts or not rs:
            faults.append(f"{no}: a row needs a trigger and a remedy: {line}")
        for t in ts:
            triggers += 1
            n = norm(t)
            if len(n) < 2:
                faults.append(f"{no}: one-character trigger {t!r}")
            if n in GENERIC_TRIGGERS:
                faults.append(f"{no}: generic trigger {t!r}")
            if n in synonyms and n not in OLD_SYNONYM_TRIGGERS:
                faults.append(f"{no}: trigger {t!r} is a synonyms.csv entry")
            c = canonical(n, pairs)
            if c in seen and seen[c] != no:
                faults.append(f"{no}: trigger {t!r} already in line {seen[c]} (as {c!r})")
            else:
                seen[c] = no
        inrow = set()
        for r in rs:
            remedies += 1
            n = norm(r)
            if len(n) < 2:
                faults.append(f"{no}: one-character remedy {r!r}")
            if n in GENERIC_REMEDIES:
                faults.append(f"{no}: generic remedy {r!r}")
            if n in inrow:
                faults.append(f"{no}: remedy {r!r} twice in the row")
            inrow.add(n)
    for fault in faults:
        print(fault)
    print(f"rows {rows}, triggers {triggers}, remedies {remedies}, faults {len(faults)}")
    return 1 if faults else 0


if __name__ == "__main__":
    sys.exit(main())
