#!/usr/bin/env python3
"""Writes src/Kefu.Server/Resources/SharedResource{,.zh-CN}.resx from tools/strings.tsv (key<TAB>English<TAB>Chinese)."""
import pathlib, xml.sax.saxutils as x

root = pathlib.Path(__file__).resolve().parent.parent
rows = [l.split('\t') for l in (root / 'tools/strings.tsv').read_text(encoding='utf-8').splitlines() if l and not l.startswith('#')]
head = '''<?xml version="1.0" encoding="utf-8"?>
<root>
  <resheader name="resmimetype"><value>text/microsoft-resx</value></resheader>
  <resheader name="version"><value>2.0</value></resheader>
  <resheader name="reader"><value>System.Resources.ResXResourceReader, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value></resheader>
  <resheader name="writer"><value>System.Resources.ResXResourceWriter, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value></resheader>
'''
for suffix, col in (('', 1), ('.zh-CN', 2)):
    out = [head]
    for r in rows:
        assert len(r) == 3, r
        out.append(f'  <data name="{x.escape(r[0])}" xml:space="preserve"><value>{x.escape(r[col])}</value></data>\n')
    out.append('</root>\n')
    (root / f'src/Kefu.Server/Resources/SharedResource{suffix}.resx').write_text(''.join(out), encoding='utf-8')
print(f'{len(rows)} strings')
