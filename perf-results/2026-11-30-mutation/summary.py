#!/usr/bin/env python3
"""Per-package PIT summary from one or more mutations.xml: mutants, killed (PIT 'detected': KILLED, TIMED_OUT,
MEMORY_ERROR, RUN_ERROR), no coverage, score = killed/all, strength = killed/covered."""
import sys, collections, xml.etree.ElementTree as ET
DETECTED = {'KILLED', 'TIMED_OUT', 'MEMORY_ERROR', 'RUN_ERROR'}
per = collections.defaultdict(collections.Counter)
for path in sys.argv[1:]:
    for m in ET.parse(path).getroot():
        pkg = m.find('mutatedClass').text.rsplit('.', 1)[0].replace('io.derpring.', '')
        s = m.get('status')
        per[pkg]['all'] += 1
        per[pkg]['killed'] += s in DETECTED
        per[pkg]['timed_out'] += s == 'TIMED_OUT'
        per[pkg]['no_coverage'] += s == 'NO_COVERAGE'
        per[pkg]['survived'] += s == 'SURVIVED'
print('| package | mutants | killed | survived | no coverage | score | strength |')
print('|---|---|---|---|---|---|---|')
for pkg, c in sorted(per.items()):
    covered = c['all'] - c['no_coverage']
    print(f"| {pkg} | {c['all']} | {c['killed']} (of which timed out {c['timed_out']}) | {c['survived']} | "
          f"{c['no_coverage']} | {100*c['killed']/c['all']:.0f}% | {100*c['killed']/covered:.0f}% |")
