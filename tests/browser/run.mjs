#!/usr/bin/env node
// Browser tests of a built book: serves it on 127.0.0.1, drives Debian's Chromium through
// playwright-core, runs the suites of suites.mjs on every chapter page (ch*/, appendix-*/) and on the
// research index, saves screenshots, and ends with the line `N passed, M failed`.
//
//   node tests/browser/run.mjs [--dir build/html] [--jobs 2] [--only REGEX] [--shot ch01/1-1.html]
//                              [--screenshots build/screenshots | --no-screenshots] [--verbose]
//   node tests/browser/run.mjs --selftest     # builds tests/fixtures/theme-book and proves the checks
//                                             # catch a broken page (overflow, open answer, …)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { serve } from './lib/server.mjs';
import { launch, newContext, openPage, Results, pool, listHtml } from './lib/harness.mjs';
import { parseColor, contrast, flatten } from './lib/color.mjs';
import { suites, isChapterPage, isPrintPage, MOBILE, DESKTOP } from './suites.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const FIXTURE = path.join(REPO, 'tests', 'fixtures', 'theme-book');

function parseArgs(argv) {
    const o = { jobs: 2, screenshots: 'build/screenshots', verbose: false, selftest: false };
    for (let i = 0; i < argv.length; i += 1) {
        const a = argv[i];
        const val = () => {
            if (i + 1 >= argv.length) { throw new Error(`${a} needs a value`); }
            i += 1;
            return argv[i];
        };
        if (a === '--dir') { o.dir = val(); }
        else if (a === '--jobs') { o.jobs = Math.max(1, parseInt(val(), 10) || 1); }
        else if (a === '--only') { o.only = new RegExp(val()); }
        else if (a === '--shot') { o.shot = val(); }
        else if (a === '--screenshots') { o.screenshots = val(); }
        else if (a === '--no-screenshots') { o.screenshots = null; }
        else if (a === '--verbose' || a === '-v') { o.verbose = true; }
        else if (a === '--selftest') { o.selftest = true; }
        else if (a === '--help' || a === '-h') {
            console.log(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1, 9).join('\n'));
            process.exit(0);
        } else { throw new Error(`unknown argument ${a}`); }
    }
    return o;
}

/** The built book: --dir, else build/html, else build (mdBook writes to build/ when html is its only output). */
function bookDir(opts) {
    if (opts.dir) { return path.resolve(opts.dir); }
    for (const d of ['build/html', 'build']) {
        if (fs.existsSync(path.join(d, 'index.html'))) { return path.resolve(d); }
    }
    return path.resolve('build/html');
}

function selectPages(dir, opts) {
    const all = listHtml(dir);
    const pages = all.filter((p) => {
        if (isChapterPage(p)) { return true; }
        if (p.includes('/') || ['print.html', 'toc.html', '404.html'].includes(p)) { return false; }
        return /data-tags=/.test(fs.readFileSync(path.join(dir, p), 'utf8'));   // the research index
    }).filter((p) => !opts.only || opts.only.test(p));
    const html = (p) => fs.readFileSync(path.join(dir, p), 'utf8');
    const withExercises = pages.filter((p) => isChapterPage(p) && html(p).includes('class="exercise"'));
    const cardPages = pages.filter((p) => /class="(exercise|research-thread)"/.test(html(p)));
    const shot = opts.shot || withExercises.find((p) => p.startsWith('ch')) || withExercises[0] || pages[0];
    const printPages = all.filter(isPrintPage).filter((p) => !opts.only || opts.only.test(p));
    return { pages, cardPages, printPages, shot };
}

/** Run `suiteList` against the server; each (suite, page) gets a fresh page in the suite's context. */
/** Open page `p` and run the suite's checks on it; returns [check name, outcome] pairs to record. */
async function checkPage(context, origin, suite, p) {
    let opened;
    try {
        opened = await openPage(context, `${origin}/${p}`, origin);
    } catch (e) {
        return [['load', { ok: false, detail: e.message.split('\n')[0] }]];
    }
    const ctx = { ...opened, path: p, viewport: suite.viewport, theme: suite.theme, suite: suite.name };
    const checks = typeof suite.checks === 'function' ? suite.checks(p) : suite.checks;
    const out = [];
    for (const check of checks) {
        let outcome;
        try {
            outcome = await check.run(ctx);
        } catch (e) {
            outcome = { ok: false, detail: `threw: ${e.message.split('\n')[0]}` };
        }
        if (!check.step || !outcome.ok) { out.push([check.name, outcome]); }
    }
    await opened.page.close();
    return out;
}

async function runSuites(browser, origin, suiteList, results, { jobs, quietLabel } = {}) {
    const timings = [];
    for (const suite of suiteList) {
        if (!suite.pages.length) { continue; }
        const t0 = Date.now();
        const context = await newContext(browser, suite);
        await pool(suite.pages, jobs, async (p) => {
            const label = `[${suite.name}] ${p}${quietLabel || ''}`;
            // On a loaded 2-core machine a click or a transition can miss its deadline. A page whose
            // checks fail is checked once more in a fresh tab; only a failure on both runs counts,
            // so real faults (which fail every time, as the self-test shows) still fail.
            let outcomes = await checkPage(context, origin, suite, p);
            if (outcomes.some(([, o]) => !o.ok && !o.skip)) {
                const again = await checkPage(context, origin, suite, p);
                if (!again.some(([, o]) => !o.ok && !o.skip)) {
                    console.log(`retry ${label}: failed once (${outcomes.filter(([, o]) => !o.ok && !o.skip).map(([n, o]) => `${n}: ${o.detail || 'no detail'}`).join('; ')}), passed on the second run`);
                }
                outcomes = again;
            }
            for (const [name, outcome] of outcomes) { results.record(label, name, outcome); }
        });
        await context.close();
        timings.push(`${suite.name} ${suite.pages.length} page(s) ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
    return timings;
}

async function screenshots(browser, origin, page, outDir) {
    fs.mkdirSync(outDir, { recursive: true });
    const base = page.replace(/\.html$/, '').replace(/[^A-Za-z0-9-]+/g, '_');
    const shots = [];
    for (const [theme, viewport, expanded] of [['light', MOBILE, false], ['light', DESKTOP, false],
        ['coal', MOBILE, false], ['coal', DESKTOP, false], ['light', MOBILE, true], ['coal', DESKTOP, true]]) {
        const context = await newContext(browser, { viewport, theme });
        const { page: pg } = await openPage(context, `${origin}/${page}`, origin);
        if (expanded) {
            await pg.evaluate(() => document.querySelectorAll('main details').forEach((d) => { d.open = true; }));
        }
        const file = path.join(outDir, `${base}-${viewport.width}-${theme}${expanded ? '-open' : ''}.png`);
        await pg.screenshot({ path: file, fullPage: true });
        shots.push(path.relative(process.cwd(), file));
        await context.close();
    }
    return shots;
}

/** --selftest: the colour maths, then the fixture's good pages (must pass), then its broken page
 *  (each planted fault must be caught by its check). */
async function selftest(browser, opts) {
    const results = new Results({ verbose: opts.verbose });
    const eq = (label, got, want, tol = 0.01) => results.record('[selftest] colour', label,
        { ok: Math.abs(got - want) <= tol, detail: `got ${got.toFixed(3)}, want ${want}` });
    eq('black on white = 21', contrast(parseColor('rgb(0, 0, 0)'), parseColor('rgb(255, 255, 255)')), 21);
    eq('#777 on white = 4.48', contrast(parseColor('rgb(119, 119, 119)'), parseColor('rgb(255,255,255)')), 4.48);
    eq('color(srgb) parses', parseColor('color(srgb 0.5 0.25 1 / 0.5)').a, 0.5);
    eq('50% black over white', flatten([parseColor('rgba(0, 0, 0, 0.5)'), parseColor('rgb(255, 255, 255)')]).r, 127.5);

    const mdbook = process.env.MDBOOK
        || [path.join(os.homedir(), '.cargo', 'bin', 'mdbook')].find((p) => fs.existsSync(p)) || 'mdbook';
    execFileSync(mdbook, ['build', FIXTURE], { stdio: ['ignore', 'ignore', 'inherit'] });
    const dir = path.join(FIXTURE, 'build');
    const server = await serve(dir);
    try {
        const { pages, cardPages, shot } = selectPages(dir, opts);
        console.log(`selftest: fixture ${path.relative(REPO, dir)}, ${pages.length} good pages`);
        const timings = await runSuites(browser, server.origin, suites({ pages, cardPages }), results, opts);

        const broken = 'selftest/broken.html';
        const planted = new Results({ verbose: false });
        planted.record = function record(label, check, outcome) {   // collect silently
            this.records.push({ label, check, ...outcome });
        };
        await runSuites(browser, server.origin, suites({ pages: [broken] }), planted, opts);
        const expectFail = [   // [suite, check, planted fault, what the failure must mention]
            ['375', 'no-clipped-overflow', 'a 1400 px wide element', /selftest-overflow/],
            ['375', 'no-clipped-overflow at 360 px (all unfolded)', 'a 1400 px wide element', /selftest-overflow/],
            ['375', 'answers-collapsed', 'an answer with `open`', /ex-selftest-open/],
            ['375', 'console-errors', 'console.error in an inline script', /deliberate console error/],
            ['375', 'failed-requests', 'an <img> whose file is missing', /selftest-missing-image\.png/],
            ['1280', 'contrast coal', '#333 on #222 in the title', /title in #ex-selftest-open/],
        ];
        for (const [suite, check, fault, mention] of expectFail) {
            const rec = planted.records.find((r) => r.label.startsWith(`[${suite}] `) && r.check === check);
            results.record(`[selftest] ${broken}`, `${check} catches ${fault}`, {
                ok: Boolean(rec && !rec.ok && !rec.skip && mention.test(rec.detail || '')),
                detail: rec ? `check said: ${rec.ok ? 'pass' : 'fail'} — ${rec.detail}` : 'check did not run',
            });
        }
        return { results, timings, shot, origin: server.origin, server };
    } catch (e) {
        await server.close();
        throw e;
    }
}

async function main() {
    const opts = parseArgs(process.argv.slice(2));
    const t0 = Date.now();
    const browser = await launch();
    let results;
    let timings = [];
    let shotInfo = null;
    try {
        if (opts.selftest) {
            const r = await selftest(browser, opts);
            ({ results, timings } = r);
            if (opts.screenshots && r.shot) {
                shotInfo = await screenshots(browser, r.origin, r.shot, path.resolve(opts.screenshots));
            }
            await r.server.close();
        } else {
            results = new Results({ verbose: opts.verbose });
            const dir = bookDir(opts);
            if (!fs.existsSync(path.join(dir, 'index.html'))) {
                results.record('[setup]', 'book', { ok: false, detail: `no built book at ${dir} (run mdbook build, or pass --dir)` });
            } else {
                const { pages, cardPages, printPages, shot } = selectPages(dir, opts);
                const shown = path.relative(process.cwd(), dir);
                console.log(`book ${shown.startsWith('..') ? dir : shown || '.'}: ${pages.length} pages, ${cardPages.length} with cards, ${printPages.length} print pages`);
                if (!pages.filter(isChapterPage).length) {
                    results.record('[setup]', 'pages', { ok: false, detail: `no chapter pages (ch*/, appendix-*/) under ${dir}` });
                }
                const server = await serve(dir);
                try {
                    timings = await runSuites(browser, server.origin, suites({ pages, cardPages, printPages }), results, opts);
                    if (opts.screenshots && shot) {
                        shotInfo = await screenshots(browser, server.origin, shot, path.resolve(opts.screenshots));
                    }
                } finally {
                    await server.close();
                }
            }
        }
    } finally {
        await browser.close();
    }
    for (const t of timings) { console.log(`time: ${t}`); }
    if (shotInfo) { console.log(`screenshots: ${shotInfo.join(' ')}`); }
    console.log(`time: total ${((Date.now() - t0) / 1000).toFixed(1)} s, ${results.skipped} checks not applicable`);
    console.log(`${results.passed} passed, ${results.failed} failed`);
    process.exitCode = results.failed > 0 ? 1 : 0;
}

main().catch((e) => {
    console.error(e.stack || String(e));
    console.log('0 passed, 1 failed');
    process.exitCode = 1;
});
