#!/usr/bin/env python3
"""Checks reference/search/synonyms.csv (stdlib only).

Format: `规范写法,写法1,写法2,…`, `#` comments; a row of one item only guards a longer word
(聚丙烯腈) from a shorter form (聚丙烯). Checks:
  - every item written as the analyser sees text (NFKC, lower case, no space between a number
    and its unit), no full-width comma, no empty item;
  - no item of one character; no item in two rows;
  - no item that is a remedies.csv trigger (that table says what answers a problem, this one
    what means the same; the one old exception, 冷藏运输, is let be);
  - no written form that holds a remedies.csv trigger and rewrites it away;
  - every item, rewritten the way crates/search/src/analysis.rs rewrites text (longest form
    first, ASCII forms not inside ASCII words, forms starting with a digit not after a digit),
    becomes exactly its row's canonical form: so no form fires inside another row's form.
    The pairs where one row's form lies inside another row's form are listed with how they
    resolve (the longer form is met first, left to right).
Exit 1 on any fault.

    python3 reference/search/check_synonyms.py [--words dict.txt] [--pairs]

--words: a word list (first column a word, e.g. jieba's dict.txt) to review: prints the words
that hold a Chinese form of this table after their first character, or start with one and go
on, and are not items themselves (the rewrite would change them); for reading, not a fault.
--pairs: print the pairs where one item lies inside another.
"""
import os
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
OLD_SYNONYM_TRIGGERS = {"冷藏运输"}
# The first table's one-character canonical form (溶液, 药水 → 液); no written form may be one
# character, and no new canonical form either.
OLD_ONE_CHARACTER = {"液"}


# Written forms of the first table that hold a trigger and rewrite it away; let be as written.
OLD_HIDDEN = {"柔性电路板", "冷藏运输"}


# Written forms of the second batch that hold a trigger by accident (the trigger names another
# thing there) and may rewrite it away: (form, trigger), each decided by reading.
DECIDED_HIDDEN = {
    ("不间断电源", "断电"),  # a UPS is asked for by name; 断电 is the problem of a power cut
    ("嵌合抗原受体t细胞", "抗原"),  # CAR-T, not an antigen reagent
    ("磁共振成像", "共振"),  # MRI; 共振 as a trigger is mechanical resonance
    ("表面组装技术", "组装"),  # SMT; 组装 as a trigger is assembly work
    ("表面粗糙度仪", "表面粗糙"),  # the instrument; 表面粗糙 is the problem of a rough surface
}


def holds(text, t):
    """Whether `t` occurs in `text` where the analyser would see it as a word of its own: an
    ASCII trigger not inside an ASCII word (3c is not in 3cr2mo, cfd not in cfda)."""
    start = text.find(t)
    while start >= 0:
        end = start + len(t)
        inside = (is_ascii_alnum(t[0]) and start > 0 and is_ascii_alnum(text[start - 1])) or \
            (is_ascii_alpha(t[-1]) and end < len(text) and is_ascii_alpha(text[end]))
        if not inside:
            return True
        start = text.find(t, start + 1)
    return False


def norm(s):
    return unicodedata.normalize("NFKC", s).lower()


def join_units(s):
    """The analyser drops a space between a digit and a following non-digit."""
    out = []
    for i, c in enumerate(s):
        if c == " " and i > 0 and s[i - 1].isascii() and s[i - 1].isdigit() and i + 1 < len(s) \
                and not (s[i + 1].isascii() and s[i + 1].isdigit()) and not s[i + 1].isspace():
            continue
        out.append(c)
    return "".join(out)


def is_ascii_alnum(c):
    return c.isascii() and c.isalnum()


def is_ascii_alpha(c):
    return c.isascii() and c.isalpha()


def read_rows(path):
    rows = []  # (line number, [items])
    with open(path, encoding="utf-8") as f:
        for no, raw in enumerate(f, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            rows.append((no, [c.strip() for c in line.split(",")]))
    return rows


def build(rows):
    by_first = {}
    for _, items in rows:
        items = [i for i in items if i]
        if not items:
            continue
        for form in items:
            by_first.setdefault(form[0], []).append((form, items[0]))
    for lst in by_first.values():
        lst.sort(key=lambda p: -len(p[0]))
    return by_first


def rewrite(text, by_first):
    """Mirror of Analyzer::normalise after folding (crates/search/src/analysis.rs)."""
    s = join_units(norm(text))
    out, i = [], 0
    while i < len(s):
        c = s[i]
        hit = None
        for form, to in by_first.get(c, ()):
            end = i + len(form)
            if s[i:end] != form:
                continue
            if is_ascii_alnum(c) and i > 0 and (is_ascii_alnum(s[i - 1]) or s[i - 1] == "."):
                continue
            if is_ascii_alpha(form[-1]) and end < len(s) and is_ascii_alpha(s[end]):
                continue
            hit = (form, to)
            break
        if hit:
            out.append(hit[1])
            i += len(hit[0])
        else:
            out.append(c)
            i += 1
    return "".join(out)


def read_triggers(path):
    triggers = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#") or "," not in line:
                continue
            triggers.update(norm(t).strip() for t in line.split(",")[0].split("|") if t.strip())
    return triggers


def has_cjk(s):
    return any("\u4e00" <= c <= "\u9fff" for c in s)


def main(argv):
    words_path = None
    if "--words" in argv:
        words_path = argv[argv.index("--words") + 1]
    show_pairs = "--pairs" in argv
    rows = read_rows(os.path.join(HERE, "synonyms.csv"))
    triggers = read_triggers(os.path.join(HERE, "remedies.csv"))
    faults = []
    where = {}
    forms = 0
    for no, items in rows:
        if any(not i for i in items):
            faults.append(f"{no}: empty item")
        for item in (i for i in items if i):
            forms += 1
            if "，" in item:
                faults.append(f"{no}: full-width comma in {item!r}")
            if join_units(norm(item)) != item:
                faults.append(f"{no}: {item!r} is not written as the analyser sees it "
                              f"({join_units(norm(item))!r})")
            if len(item) < 2 and item not in OLD_ONE_CHARACTER:
                faults.append(f"{no}: one-character item {item!r}")
            if item in where:
                faults.append(f"{no}: {item!r} already in line {where[item]}")
            else:
                where[item] = no
            if item in triggers and item not in OLD_SYNONYM_TRIGGERS:
                faults.append(f"{no}: {item!r} is a remedies.csv trigger")
    by_first = build(rows)
    canon = {}
    for no, items in rows:
        items = [i for i in items if i]
        for item in items:
            canon[item] = items[0]
            got = rewrite(item, by_first)
            if got != items[0]:
                faults.append(f"{no}: {item!r} is rewritten to {got!r}, not to {items[0]!r}")
            # A written form holding a trigger must not rewrite it away (the remedy would
            # stop firing on text that says it).
            for t in triggers:
                if holds(item, t) and not holds(got, t) and item not in OLD_HIDDEN \
                        and (item, t) not in DECIDED_HIDDEN:
                    faults.append(f"{no}: {item!r} holds the trigger {t!r}, its rewrite {got!r} does not")
    # Pairs where one item lies inside another row's item: each resolved by the longer item
    # being met first (checked above, where every item must rewrite to its own canonical).
    pairs = []
    items = sorted(where)
    for a in items:
        for b in items:
            if a != b and canon[a] != canon[b] and a in b:
                pairs.append((a, b, b.index(a)))
    if show_pairs:
        for a, b, at in pairs:
            print(f"inside: {a!r} ({canon[a]}) in {b!r} ({canon[b]}) at {at}: "
                  f"{b!r} -> {rewrite(b, by_first)!r}")
    if words_path:
        cjk = [f for f in where if has_cjk(f)]
        with open(words_path, encoding="utf-8") as f:
            for line in f:
                w = line.split()[0] if line.split() else ""
                if not w or norm(w) in where:
                    continue
                w = norm(w)
                hits = [f for f in cjk if f in w]
                if hits and rewrite(w, by_first) != w:
                    print(f"review: {w} -> {rewrite(w, by_first)} ({', '.join(hits)})")
    groups = sum(1 for _, i in rows if any(i))
    for fault in faults:
        print(fault)
    print(f"groups {groups}, items {forms} (written forms {forms - groups}), "
          f"pairs inside another item {len(pairs)}, faults {len(faults)}")
    return 1 if faults else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
