// Chinese full-text search in mdBook's own search UI, in headless Chromium.
//
// For each query: open a page, press S, type the query (CJK text arrives as an IME would put it,
// then a key is released), and check that the expected section is among the first five results
// with the match highlighted; click it and check that the page lands on the section's anchor with
// the match marked. Also: the index loads only on the first search, mdBook's own index never, and
// no script fails to load or throws; the first query downloads at most 500 KB gzipped (index.js
// and the shards it fetches, gzip -9 file by file as a server would send them); a query pasted
// without any key (an `input` event alone) searches too, and so does the book opened from disk
// (file://, no server: the index and its shards load by script tags). Each case's latency — from the last
// change of the search box to its results drawn — is reported (median and maximum).
//
//   node tests/browser/search.mjs [--dir build/html] [--verbose] [--max-ms N] [--measure]
//
// --max-ms N fails a case whose results take longer than N ms. --measure is for other books (the
// full-size copy, scripts/search-size.sh): where a result ranks and where it lands are printed,
// not checked, since the expected sections are this book's; the download and latency checks hold.
//
// CHROMIUM_PATH overrides /usr/bin/chromium. The last line is `N passed, M failed`.

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import {pathToFileURL} from 'node:url';
import {chromium} from 'playwright-core';

// Query → sections that may satisfy it (page path + anchor, as mdBook writes ids; an anchor may be
// given by its start, since math in a heading adds its rendered text to the id). Chosen for what a
// reader means by the query, so they hold as chapters fill in.
const CASES = [
    {q: '分数匹配', expect: ['ch04/4-2.html#42-分数匹配', 'ch03/3-7.html#373-与去噪分数匹配的联系']},
    {q: '扩散', expect: ['ch01/1-2.html#12-扩散的直觉', 'ch01/index.html#第-1-章-扩散模型导论']},
    {q: '去噪', expect: ['ch01/1-2.html#124-把生成看成反复去噪']},
    {q: '变分下界', expect: ['ch03/3-3.html#33-变分下界']},
    {q: '概率流', expect: ['ch05/5-5.html#55-概率流-ode']},
    {q: 'DDPM', expect: ['ch03/index.html#第-3-章-去噪扩散概率模型ddpm']},
    {q: 'Fokker-Planck', expect: ['ch05/5-4.html#54-fokkerplanck-方程']},
    {q: 'classifier-free', expect: ['ch09/9-3.html#93-classifier-free-guidance']},
    {q: 'DDPM 的变分下界', expect: ['ch03/3-3.html#33-变分下界']},
    // Formulas by name: the TeX source is indexed (L_{\mathrm{simple}}), so is the name in prose.
    {q: 'L_simple', expect: ['ch03/3-4.html#343-简化目标-l']},
    {q: 'ELBO', expect: ['ch03/3-3.html#33-变分下界']},
    // Answers are searchable; arriving at one unfolds it, since only the answer holds the match.
    {q: '直接连乘', expect: ['ch03/3-3.html#ex-prior-term-size'], inAnswer: true},
    // Pasted with the mouse: no key is pressed or released, an input event alone must search.
    {q: '变分下界', expect: ['ch03/3-3.html#33-变分下界'], paste: true},
    // Opened from disk, no server: the index and its shards load by script tags, which file:// allows.
    {q: '分数匹配', expect: ['ch04/4-2.html#42-分数匹配', 'ch03/3-7.html#373-与去噪分数匹配的联系'], file: true},
];

const args = process.argv.slice(2);
const opt = (name, dflt) => {
    const i = args.indexOf(name);
    return i === -1 ? dflt : args[i + 1];
};
const root = path.resolve(opt('--dir', 'build/html'));
const verbose = args.includes('--verbose');
const measure = args.includes('--measure');
const maxMs = opt('--max-ms', null);
const FIRST_QUERY_LIMIT = 500 * 1024;
const latencies = [];
const firstBytes = [];

let passed = 0;
let failed = 0;
function report(ok, name, detail) {
    if (ok) {
        passed++;
        if (verbose) {
            console.log(`ok   ${name}`);
        }
    } else {
        failed++;
        console.log(`FAIL ${name}: ${detail}`);
    }
}

// Quality checks that only hold on this book: printed, not counted, under --measure.
function quality(ok, name, detail) {
    if (!measure) {
        return report(ok, name, detail);
    }
    console.log(`${ok ? 'ok  ' : 'miss'} ${name}${ok ? '' : `: ${detail}`}`);
}

// gzip -9 size of each file served, as a server compressing file by file would send it.
const gzipped = new Map();
function gzSize(file) {
    if (!gzipped.has(file)) {
        gzipped.set(file, zlib.gzipSync(fs.readFileSync(file), {level: 9}).length);
    }
    return gzipped.get(file);
}
const kb = n => `${(n / 1024).toFixed(1)} KB`;

const TYPES = {
    '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
    '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png',
    '.woff2': 'font/woff2', '.json': 'application/json', '.txt': 'text/plain; charset=utf-8',
};

// Request URL → gzipped size, for the search-zh files.
const served = new Map();

function serve(dir) {
    const server = http.createServer((req, res) => {
        const url = new URL(req.url, 'http://x');
        let file = path.join(dir, decodeURIComponent(url.pathname));
        if (!file.startsWith(dir)) {
            res.writeHead(403).end();
            return;
        }
        if (fs.existsSync(file) && fs.statSync(file).isDirectory()) {
            file = path.join(file, 'index.html');
        }
        if (file.includes(`${path.sep}search-zh${path.sep}`) && fs.existsSync(file)) {
            served.set(req.url, gzSize(file));
        }
        fs.readFile(file, (err, body) => {
            if (err) {
                res.writeHead(404).end();
                return;
            }
            res.writeHead(200, {'content-type': TYPES[path.extname(file)] || 'application/octet-stream'});
            res.end(body);
        });
    });
    return new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// In the page: when the search box last changed (an input event), and when the results for its
// final value were first all drawn (a result filled in and the header naming the query).
function timeResults() {
    const t = window.__zhTiming = {input: 0, done: 0};
    const bar = document.getElementById('mdbook-searchbar');
    const header = document.getElementById('mdbook-searchresults-header');
    const list = document.getElementById('mdbook-searchresults');
    bar.addEventListener('input', () => {
        t.input = performance.now();
        t.done = 0;
    }, true);
    new MutationObserver(() => {
        const q = bar.value.trim();
        if (!t.done && q && list.querySelector('li[data-zh]') && header.innerText.includes(`'${q}'`)
            && !header.innerText.startsWith('Searching')) {
            t.done = performance.now();
        }
    }).observe(document.getElementById('mdbook-searchresults-outer'),
        {childList: true, subtree: true, attributes: true, characterData: true});
}

const expected = (c, target) => c.expect.some(e => target === e || target.startsWith(e));

// Folding as the engine does it, enough for comparing highlighted text with the query.
const norm = s => s.normalize('NFKC').toLowerCase();

async function runCase(browser, base, c) {
    const label = c.paste ? `${c.q} (pasted)` : c.file ? `${c.q} (file://)` : c.q;
    // Page paths as the cases give them: under file:// a URL's path is the whole path on disk.
    const onDisk = root.replace(/^\//, '') + '/';
    const rel = t => (c.file && t.startsWith(onDisk) ? t.slice(onDisk.length) : t);
    const page = await browser.newPage();
    const errors = [];
    const loads = [];
    // Missing figures are book-check's business; a script that fails to load is ours.
    page.on('console', m => m.type() === 'error' && !m.text().startsWith('Failed to load resource')
        && errors.push(m.text()));
    page.on('response', r => r.status() >= 400 && ['script', 'xhr', 'fetch', 'document']
        .includes(r.request().resourceType()) && errors.push(`${r.status()} ${r.url()}`));
    page.on('pageerror', e => errors.push(String(e)));
    const fetched = [];
    page.on('request', r => {
        if (/search-zh\/index\.js|searchindex/.test(r.url())) {
            loads.push(r.url());
        }
        if (/\/search-zh\//.test(r.url())) {
            fetched.push(new URL(r.url()).pathname);
        }
    });
    try {
        await page.goto(c.file ? pathToFileURL(path.join(root, 'preface.html')).href : `${base}/preface.html`);
        if (loads.length) {
            return report(false, `${label}: lazy`, `index fetched before any search: ${loads}`);
        }
        await page.keyboard.press('s');
        await page.waitForSelector('#mdbook-searchbar', {state: 'visible'});
        await page.evaluate(timeResults);
        if (c.paste) {
            // Pasted with the mouse: the value changes and an input event fires, no key at all.
            await page.$eval('#mdbook-searchbar', (bar, q) => {
                bar.value = q;
                bar.dispatchEvent(new InputEvent('input', {bubbles: true, inputType: 'insertFromPaste', data: q}));
            }, c.q);
        } else {
            // ASCII as keystrokes; CJK as committed IME text, then the key release that follows it.
            for (const ch of c.q) {
                if (/[\x20-\x7e]/.test(ch)) {
                    await page.keyboard.type(ch);
                } else {
                    await page.keyboard.insertText(ch);
                }
            }
            await page.keyboard.press('End');
        }
        await page.waitForFunction(
            q => document.querySelector('#mdbook-searchresults li[data-zh]')
                && document.getElementById('mdbook-searchresults-header').innerText.includes(q),
            c.q, {timeout: 10000});
        const ms = await page.evaluate(() => window.__zhTiming.done - window.__zhTiming.input);
        latencies.push(ms);
        const bytes = fetched.reduce((n, u) => n + (served.get(u) || 0), 0);
        firstBytes.push(bytes);
        if (verbose || measure) {
            console.log(`     ${label}: results ${ms.toFixed(0)} ms after the last input; `
                + `${fetched.length} search files${c.file ? '' : `, ${kb(bytes)} gzipped`}`);
        }
        if (!c.file) {
            report(bytes <= FIRST_QUERY_LIMIT, `${label}: first query downloads ≤ 500 KB gzipped`,
                `${kb(bytes)} in ${fetched.length} files`);
        }
        if (maxMs !== null) {
            report(ms <= Number(maxMs), `${label}: results within ${maxMs} ms`, `${ms.toFixed(0)} ms`);
        }
        const results = await page.$$eval('#mdbook-searchresults li', lis => lis.slice(0, 5).map((li, i) => {
            const a = li.querySelector('a');
            const u = new URL(a.href);
            return {
                i,
                target: decodeURIComponent(u.pathname.replace(/^\//, '') + u.hash),
                href: a.href,
                ems: Array.from(li.querySelectorAll('em')).map(e => e.textContent),
            };
        }));
        results.forEach(r => {
            r.target = rel(r.target);
        });
        const hit = results.find(r => expected(c, r.target));
        const shown = results.map(r => r.target).join(', ');
        if (!hit) {
            return quality(false, `${label}: in top 5`, `expected one of ${c.expect.join(' | ')}; got ${shown}`);
        }
        quality(true, `${label}: in top 5${measure ? ` (#${hit.i + 1})` : ''}`);
        const qn = norm(c.q);
        const highlighted = hit.ems.filter(e => e.trim() && qn.includes(norm(e).trim()));
        report(highlighted.length > 0, `${label}: highlighted in the result`,
            `no <em> holding part of the query in ${JSON.stringify(hit.ems)}`);
        report(loads.length === 1 && loads[0].includes('search-zh/index.js'), `${label}: loads our index once`,
            `index requests: ${JSON.stringify(loads)}`);

        await Promise.all([
            page.waitForURL(u => u.href.includes('highlight=')),
            page.click(`#mdbook-searchresults > li:nth-child(${hit.i + 1}) > a`),
        ]);
        await page.waitForLoadState('load');
        const landed = await page.evaluate(() => {
            const id = decodeURIComponent(location.hash.slice(1));
            const el = document.getElementById(id);
            const box = el && el.getBoundingClientRect();
            const shown = Array.from(document.querySelectorAll('#mdbook-content mark'))
                .filter(m => !m.closest('.katex-mathml'));
            const marks = shown.map(m => m.textContent);
            return {
                visible: shown.some(m => m.getClientRects().length > 0),
                inAnswer: shown.some(m => m.closest('details.answer')),
                path: decodeURIComponent(location.pathname.replace(/^\//, '') + location.hash),
                inView: !!box && box.top >= -2 && box.top < window.innerHeight,
                marks,
            };
        });
        landed.path = rel(landed.path);
        quality(expected(c, landed.path) && landed.inView, `${label}: lands on the section`,
            `at ${landed.path}, anchor in view: ${landed.inView}`);
        report(landed.marks.some(m => qn.includes(norm(m).trim())) && landed.visible,
            `${label}: marked on the page`, `marks: ${JSON.stringify(landed.marks.slice(0, 5))}, `
            + `one visible: ${landed.visible}`);
        if (c.inAnswer) {
            quality(landed.inAnswer, `${label}: the answer holding the match is unfolded`,
                'no visible mark inside an answer');
        }
    } catch (e) {
        report(false, label, String(e).split('\n')[0]);
    } finally {
        report(errors.length === 0, `${label}: no script errors`, errors.join(' | '));
        await page.close();
    }
}

const server = await serve(root);
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
        '--disable-component-update', '--no-first-run', '--disable-sync'],
});
try {
    if (!fs.existsSync(path.join(root, 'search-zh/index.js'))) {
        report(false, 'index exists', `no search-zh/index.js under ${root}`);
    }
    for (const c of CASES) {
        await runCase(browser, base, c);
    }
} finally {
    await browser.close();
    server.close();
}
if (latencies.length) {
    const sorted = [...latencies].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    console.log(`latency after the last input: median ${median.toFixed(0)} ms, max ${sorted[sorted.length - 1].toFixed(0)} ms; `
        + `first-query download: max ${kb(Math.max(...firstBytes))} gzipped`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
