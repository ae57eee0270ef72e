#!/usr/bin/env node
// Proves the differential test can fail: a corpus made here from KaTeX's own output, with the
// faults katex-rs was seen to make planted into the "katex-rs" side, must fail exactly where
// planted. Run by scripts/checks.d/35-katex-diff.sh before the real test; prints `N passed, M failed`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(HERE, '..', '..', 'package.json'));
const katex = require('katex');
const render = (tex, display = false) => katex.renderToString(tex, { displayMode: display, output: 'htmlAndMathml', throwOnError: true });
const lostPadding = (html) => html.replace(/padding-left:0\.833em;/, '');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'katex-diff-selftest-'));
const head = { engine: 'selftest', katex: katex.version, macros: {} };
const cases = [
    // tex, katex-rs side, expected outcome
    ['a+b', render('a+b'), 'pass'],
    ['\\sqrt{\\beta}', render('\\sqrt{\\beta}').replace(/<svg ([^>]*?)width="([^"]*)" ([^>]*)>/, '<svg width="$2" $1$3>'), 'pass'],
    ['\\sqrt{x}+1', lostPadding(render('\\sqrt{x}+1')), 'different'],
    // A listed construct (\left … \right) does not excuse a difference that shows.
    ['\\left|\\sqrt{x}\\right|', lostPadding(render('\\left|\\sqrt{x}\\right|')), 'known deviation shows on screen'],
];
const lines = [JSON.stringify(head), ...cases.map(([tex, html]) => JSON.stringify({ display: false, tex, page: 'selftest.md', html }))];
fs.writeFileSync(path.join(dir, 'corpus.jsonl'), lines.join('\n') + '\n');
let out = '';
try {
    out = execFileSync(process.execPath, [path.join(HERE, 'run.mjs'), '--corpus', path.join(dir, 'corpus.jsonl'), '--out', dir, '--sample', '2'], { encoding: 'utf8' });
} catch (e) {
    out = String(e.stdout || '');
}
let passed = 0;
let failed = 0;
for (const [tex, , want] of cases) {
    const line = out.split('\n').find((l) => l.startsWith('FAIL') && l.endsWith(`: ${tex}`));
    const got = line ? line.split(': ')[1] : 'pass';
    if (got === want) { passed += 1; } else { failed += 1; console.log(`FAIL selftest ${tex}: expected ${want}, got ${got}`); }
}
// The construct list is longer than what this corpus needs: those entries are reported stale,
// which is itself a failure the real test would show.
if (!/no formula differs with it any more/.test(out)) { failed += 1; console.log('FAIL selftest: unused known deviations not reported'); } else { passed += 1; }
fs.rmSync(dir, { recursive: true, force: true });
console.log(`katex-diff selftest: planted faults found as expected in ${passed} of ${passed + failed} checks`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
