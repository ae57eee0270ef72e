#!/usr/bin/env node
// Differential test of the math engine: every distinct formula of the book, rendered by katex-rs
// (the corpus the math preprocessor writes with MDBOOK_MATH_CORPUS, see crates/math/src/corpus.rs)
// and by KaTeX itself (npm `katex`, pinned in package.json to the release katex-rs tracks), with
// the same macros and options. The HTML must be equal after the normalisation of normalise.mjs
// (attribute order, order of spacing spans, class-token order, -0 in SVG path data — nothing
// else), or contain a construct listed in known-deviations.json (a pattern over the TeX, with what
// differs and why it cannot show) and then render to the same pixels in Chromium; any other
// difference fails, and so does a listed construct that no formula needs any more.
// Screenshots of a sample of the formulas whose HTML differs at all (allowed or not), both
// renderings side by side, and of every failing formula go to --out, with report.md.
//
//   node tests/katex-diff/run.mjs --corpus target/katex-diff/corpus.jsonl --out target/katex-diff
//        [--sample 12] [--no-screenshots]
// Ends with the line `N passed, M failed` (one check per distinct formula).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compare } from './normalise.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const require = createRequire(path.join(REPO, 'package.json'));
const katex = require('katex');
const KATEX_DIR = path.dirname(require.resolve('katex/package.json'));
// The colour mdbook-math gives KaTeX for untrusted commands (crates/math/src/render.rs).
const UNTRUSTED_COLOR = '#cc0001';

function parseArgs(argv) {
    const o = { sample: 12, screenshots: true };
    for (let i = 0; i < argv.length; i += 1) {
        const a = argv[i];
        const val = () => { i += 1; if (i >= argv.length) { throw new Error(`${a} needs a value`); } return argv[i]; };
        if (a === '--corpus') { o.corpus = val(); }
        else if (a === '--out') { o.out = val(); }
        else if (a === '--sample') { o.sample = parseInt(val(), 10); }
        else if (a === '--no-screenshots') { o.screenshots = false; }
        else { throw new Error(`unknown argument ${a}`); }
    }
    if (!o.corpus || !o.out) { throw new Error('--corpus and --out are required'); }
    return o;
}

function escapeHtml(s) {
    return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Evenly spread picks of up to n items. */
function spread(items, n) {
    if (items.length <= n) { return items; }
    return Array.from({ length: n }, (_, i) => items[Math.floor((i * items.length) / n)]);
}

async function screenshots(items, outDir) {
    const { launch } = await import('../browser/lib/harness.mjs');
    const browser = await launch();
    const shots = [];
    try {
        const context = await browser.newContext({ viewport: { width: 1280, height: 400 }, deviceScaleFactor: 1 });
        const page = await context.newPage();
        const css = pathToFileURL(path.join(KATEX_DIR, 'dist', 'katex.min.css')).href;
        fs.writeFileSync(path.join(outDir, 'blank.html'), '<!doctype html><title>blank</title>');
        for (const [n, f] of items.entries()) {
            const cell = (label, html) => `<div class="cell"><div class="label">${label}</div>`
                + `<div class="math" id="${label === 'katex-rs' ? 'a' : 'b'}">${html}</div></div>`;
            const doc = `<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="${css}">`
                + '<style>body{margin:16px;font:14px sans-serif;background:#fff}.row{display:flex;gap:24px}'
                + '.cell{flex:1;min-width:0;border:1px solid #ccc;padding:8px}.label{color:#666;margin-bottom:8px}'
                + '.math{font-size:20px;display:inline-block;padding:4px}pre{white-space:pre-wrap;color:#333}</style></head><body>'
                + `<pre>${escapeHtml(f.tex)} (${f.display ? 'display' : 'inline'}, ${escapeHtml(f.page)}; ${f.kind})</pre>`
                + `<div class="row">${cell('katex-rs', f.html)}${cell(`KaTeX ${katex.version}`, f.js)}</div></body></html>`;
            const file = path.join(outDir, `diff-${String(n + 1).padStart(2, '0')}.html`);
            fs.writeFileSync(file, doc);
            await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
            await page.evaluate(() => document.fonts.ready);
            const png = file.replace(/\.html$/, '.png');
            await page.screenshot({ path: png, fullPage: true });
            // Each rendering alone in the same place, to say whether they differ on screen at all
            // (side by side, sub-pixel positions differ and so would the anti-aliasing).
            const alone = async (html) => {
                await page.setContent(`<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="${css}">`
                    + '<style>body{margin:16px;background:#fff}.math{font-size:20px;display:inline-block;padding:4px}</style></head>'
                    + `<body><div class="math" id="m">${html}</div></body></html>`);
                await page.evaluate(() => document.fonts.ready);
                return page.locator('#m').screenshot();
            };
            await page.goto(pathToFileURL(path.join(outDir, 'blank.html')).href);
            const a = await alone(f.html);
            const b = await alone(f.js);
            shots.push({ file: path.basename(png), tex: f.tex, kind: f.kind, samePixels: a.equals(b) });
        }
    } finally {
        await browser.close();
    }
    return shots;
}

async function main() {
    const o = parseArgs(process.argv.slice(2));
    const lines = fs.readFileSync(o.corpus, 'utf8').split('\n').filter((l) => l.trim() !== '');
    const head = JSON.parse(lines.shift());
    if (head.katex !== katex.version) {
        throw new Error(`the engine tracks KaTeX ${head.katex} but npm katex is ${katex.version}: pin katex@${head.katex} in package.json`);
    }
    fs.mkdirSync(o.out, { recursive: true });
    for (const f of fs.readdirSync(o.out)) {
        if (/^diff-\d+\.(html|png)$/.test(f)) { fs.rmSync(path.join(o.out, f)); }
    }
    const known = JSON.parse(fs.readFileSync(path.join(HERE, 'known-deviations.json'), 'utf8'))
        .map((k) => ({ ...k, re: new RegExp(k.pattern) }));
    const knownSeen = new Set();
    const counts = { identical: 0, 'attribute-order': 0, 'spacing-order': 0, 'class-or-path': 0, known: 0, different: 0, error: 0 };
    const differing = [];
    const failures = [];
    let jsMs = 0;
    for (const line of lines) {
        const f = JSON.parse(line);
        let js = null;
        let jsError = null;
        const t0 = process.hrtime.bigint();
        try {
            js = katex.renderToString(f.tex, {
                displayMode: f.display,
                output: 'htmlAndMathml',
                throwOnError: true,
                trust: false,
                errorColor: UNTRUSTED_COLOR,
                // A fresh copy for each formula: \gdef must not reach the next one.
                macros: { ...head.macros },
            });
        } catch (e) {
            jsError = String(e.message || e);
        }
        jsMs += Number(process.hrtime.bigint() - t0) / 1e6;
        let r;
        if (f.html === null || js === null) {
            // Both must reject the same formulas (the book has none: the build would fail).
            r = f.html === null && js === null ? { kind: 'identical' } : { kind: 'error' };
        } else {
            r = compare(f.html, js);
            const constructs = known.filter((k) => k.re.test(f.tex));
            if (r.kind === 'different' && constructs.length > 0) {
                for (const k of constructs) { knownSeen.add(k.construct); }
                r = { kind: 'known' };
            }
        }
        counts[r.kind] += 1;
        const item = { ...f, js, jsError, kind: r.kind };
        if (r.kind !== 'identical') { differing.push(item); }
        if (r.kind === 'different' || r.kind === 'error') { failures.push(item); }
    }
    const total = lines.length;
    const stale = known.filter((k) => !knownSeen.has(k.construct)).map((k) => `${k.construct} (${k.pattern})`);
    let shots = [];
    const knownItems = differing.filter((d) => d.kind === 'known');
    if ((o.screenshots || knownItems.length > 0) && differing.length > 0) {
        // Known deviations are always looked at: they pass only with the same pixels.
        const allowed = differing.filter((d) => !['different', 'error', 'known'].includes(d.kind));
        const picked = [...knownItems, ...spread(failures, o.sample), ...(o.screenshots ? spread(allowed, o.sample) : [])];
        shots = await screenshots(picked.filter((d) => d.js !== null && d.html !== null), o.out);
    }
    for (const s of shots) {
        if (s.kind === 'known' && !s.samePixels) {
            failures.push({ ...knownItems.find((k) => k.tex === s.tex), kind: 'known deviation shows on screen' });
        }
    }
    for (const t of stale) {
        failures.push({ tex: t, page: 'tests/katex-diff/known-deviations.json', display: false, kind: 'listed as a known deviation but no formula differs with it any more: remove it' });
    }
    const report = [
        `# katex-rs (${head.engine}) against KaTeX ${katex.version} (npm), ${new Date().toISOString().slice(0, 16)}Z`,
        '',
        `${total} distinct formulas of the book (with the book's ${Object.keys(head.macros).length} macros); KaTeX in Node took ${(jsMs / 1000).toFixed(2)} s.`,
        '',
        '| outcome | formulas |',
        '|---|---|',
        `| byte-identical | ${counts.identical} |`,
        `| identical once attributes are sorted (allowed) | ${counts['attribute-order']} |`,
        `| identical once spacing spans are sorted too (allowed) | ${counts['spacing-order']} |`,
        `| identical once class tokens are sorted and path data's -0 is 0 too (allowed) | ${counts['class-or-path']} |`,
        `| with a construct of known-deviations.json, same pixels (allowed) | ${counts.known} |`,
        `| **different (fails)** | ${counts.different} |`,
        `| **rejected by one engine only (fails)** | ${counts.error} |`,
        '',
        '## Screenshots (katex-rs left, KaTeX right)',
        '',
        ...shots.map((s) => `- \`${s.file}\` ${s.kind}, ${s.samePixels ? 'same pixels' : '**pixels differ**'}: \`${s.tex.trim().slice(0, 100)}\``),
        '',
        '## Failing formulas',
        '',
        ...failures.map((f) => `- ${f.page} (${f.display ? 'display' : 'inline'}, ${f.kind}): \`${f.tex.trim()}\`${f.jsError ? ` — KaTeX: ${f.jsError}` : ''}${f.error ? ` — katex-rs: ${f.error}` : ''}`),
        '',
    ].join('\n');
    fs.writeFileSync(path.join(o.out, 'report.md'), report);
    fs.writeFileSync(path.join(o.out, 'differences.json'), JSON.stringify(differing, null, 1));
    for (const f of failures) {
        console.log(`FAIL ${f.page}: ${f.kind}: ${f.tex.trim().slice(0, 120)}`);
    }
    console.log(`katex-diff: ${total} formulas: ${counts.identical} byte-identical, ${counts['attribute-order']} attribute order, `
        + `${counts['spacing-order']} spacing-span order, ${counts['class-or-path']} class/path, ${counts.known} known deviations, ${counts.different} different, ${counts.error} rejected by one engine; `
        + `screenshots of ${shots.length} (${shots.filter((s) => !s.samePixels).length} differ on screen) in ${o.out}`);
    console.log(`${total - failures.length} passed, ${failures.length} failed`);
    process.exitCode = failures.length > 0 ? 1 : 0;
}

main().catch((e) => {
    console.error(`katex-diff: ${e.stack || e}`);
    process.exit(2);
});
