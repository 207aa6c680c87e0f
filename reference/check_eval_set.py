#!/usr/bin/env python3
"""Checks an evaluation set written in set B's format (stdlib only): sets B and C.

Run:  python3 reference/check_eval_set.py reference/matching-eval-tuning-b
      python3 reference/check_eval_set.py reference/matching-eval-tuning-c
Prints counts per kind, category, cluster and urgency; exits 1 on any error.
"""
import csv, json, os, re, sys
from collections import Counter

if len(sys.argv) != 2:
    sys.exit('usage: check_eval_set.py FOLDER (e.g. reference/matching-eval-tuning-b)')
HERE = os.path.abspath(sys.argv[1])
ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
CATS = {'product', 'material', 'equipment', 'capacity', 'technology', 'talent', 'space', 'service'}
URG = {'normal', 'urgent', 'emergency'}
JINSHAN = {'310116503', '310116104'}
errors = []


def rows(path):
    with open(path, encoding='utf-8', newline='') as fh:
        lines = [l for l in fh if not l.startswith('#')]
    r = list(csv.reader(lines))
    return r[0], [dict(zip(r[0], x)) for x in r[1:]], r[1:]


def comments(path):
    with open(path, encoding='utf-8') as fh:
        return [l for l in fh if l.startswith('#')]


classes = set()
with open(os.path.join(ROOT, 'reference', 'industry_gbt4754_2017.csv'), encoding='utf-8') as fh:
    for r in csv.reader(l for l in fh if not l.startswith('#')):
        if len(r) > 2 and r[2] == 'class':
            classes.add(r[0])
demo = open(os.path.join(ROOT, 'crates', 'cli', 'demo', 'songjiang.json'), encoding='utf-8').read()
towns = {t for t in re.findall(r'"(31011[67]\d{3})"', demo)} | JINSHAN

nh, needs, nraw = rows(os.path.join(HERE, 'needs.csv'))
oh, offers, oraw = rows(os.path.join(HERE, 'offers.csv'))
if nh != ['id', 'title', 'description', 'category', 'industry', 'town', 'clusters', 'urgency']:
    errors.append('needs header %r' % nh)
if oh != ['id', 'for_needs', 'title', 'description', 'category', 'industry', 'town', 'clusters']:
    errors.append('offers header %r' % oh)
for raw in nraw:
    if len(raw) != len(nh):
        errors.append('needs row width %r' % raw[:2])
for raw in oraw:
    if len(raw) != len(oh):
        errors.append('offers row width %r' % raw[:2])

kinds = {}
for l in comments(os.path.join(HERE, 'needs.csv')):
    m = re.match(r'# kinds ([a-e]): ([\d;]+)', l)
    if m:
        kinds[m.group(1)] = [int(x) for x in m.group(2).split(';')]
kind_of = {i: k for k, ids in kinds.items() for i in ids}

nids = [int(n['id']) for n in needs]
if len(set(nids)) != len(nids):
    errors.append('duplicate need ids')
if sorted(kind_of) != sorted(nids):
    errors.append('kinds lines do not cover each need exactly once')
oids = [int(o['id']) for o in offers]
if len(set(oids)) != len(oids):
    errors.append('duplicate offer ids')


def common(rec, what):
    if rec['category'] not in CATS:
        errors.append('%s %s category %s' % (what, rec['id'], rec['category']))
    if rec['industry'] not in classes:
        errors.append('%s %s industry %s not a class' % (what, rec['id'], rec['industry']))
    if rec['town'] not in towns:
        errors.append('%s %s town %s' % (what, rec['id'], rec['town']))
    for c in filter(None, rec['clusters'].split(';')):
        if c not in '12345678' or len(c) != 1:
            errors.append('%s %s cluster %s' % (what, rec['id'], c))
        if c == '7' and rec['town'] != '310117105':
            errors.append('%s %s cluster 7 outside Xinqiao' % (what, rec['id']))
    if not rec['title'].strip() or not rec['description'].strip():
        errors.append('%s %s empty text' % (what, rec['id']))


for n in needs:
    common(n, 'need')
    if n['urgency'] not in URG:
        errors.append('need %s urgency %s' % (n['id'], n['urgency']))
answered = Counter()
good = 0
for o in offers:
    common(o, 'offer')
    fn = [int(x) for x in o['for_needs'].split(';') if x]
    if fn:
        good += 1
        if int(o['id']) >= 5001:
            errors.append('offer %s in distractor range has for_needs' % o['id'])
    elif int(o['id']) < 5001:
        errors.append('offer %s in good range has no for_needs' % o['id'])
    for i in fn:
        if i not in nids:
            errors.append('offer %s answers unknown need %s' % (o['id'], i))
        answered[i] += 1
for i in nids:
    if answered[i] == 0:
        errors.append('need %s has no good offer' % i)

cl = lambda recs: Counter(c for r in recs for c in (r['clusters'].split(';') if r['clusters'] else ['-']))
print('needs', len(needs), 'offers', len(offers), 'good', good, 'distractors', len(offers) - good)
print('kinds', {k: len(v) for k, v in sorted(kinds.items())})
print('need categories', dict(Counter(n['category'] for n in needs).most_common()))
print('need clusters', dict(sorted(cl(needs).items())))
print('need urgency', dict(Counter(n['urgency'] for n in needs)))
print('good offers per need', dict(sorted(Counter(answered[i] for i in nids).items())))
print('offer categories', dict(Counter(o['category'] for o in offers).most_common()))
print('offer clusters', dict(sorted(cl(offers).items())))
byid = {int(n['id']): n for n in needs}
st = sc = either = pairs = 0
for o in offers:
    for i in [int(x) for x in o['for_needs'].split(';') if x]:
        n = byid[i]
        pairs += 1
        st += o['town'] == n['town']
        shared = bool(set(filter(None, o['clusters'].split(';'))) & set(filter(None, n['clusters'].split(';'))))
        sc += shared
        either += shared or o['town'] == n['town']
print('good pairs', pairs, 'same town', st, 'shared cluster', sc, 'town or cluster', either)
tl = [len(n['title']) for n in needs]
print('need title length min/max', min(tl), max(tl))
for k, ids in sorted(kinds.items()):
    print('kind', k, dict(Counter(byid[i]['category'] for i in ids).most_common()))
print('need towns', dict(Counter(n['town'] for n in needs).most_common()))
print('urgent', [n['id'] for n in needs if n['urgency'] == 'urgent'],
      'emergency', [n['id'] for n in needs if n['urgency'] == 'emergency'])
avg = lambda xs: round(sum(xs) / len(xs), 1) if xs else 0
goods = [o for o in offers if o['for_needs']]
dists = [o for o in offers if not o['for_needs']]
print('offer title avg good/distractor', avg([len(o['title']) for o in goods]), avg([len(o['title']) for o in dists]),
      'description avg good/distractor', avg([len(o['description']) for o in goods]), avg([len(o['description']) for o in dists]))
ol = [len(o['title']) for o in offers]
dl = [len(o['description']) for o in offers]
print('offer title length min/max', min(ol), max(ol), 'description min/max', min(dl), max(dl))
for e in errors:
    print('ERROR', e)
sys.exit(1 if errors else 0)
