// Browser, page and result plumbing shared by every check.
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run', '--disable-sync'];

export async function launch() {
    if (!fs.existsSync(CHROMIUM)) {
        throw new Error(`${CHROMIUM} not found: install Debian's Chromium (apt-get install -y chromium)`);
    }
    return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export const THEMES = ['light', 'rust', 'coal', 'navy', 'ayu'];

/** A browser context with a fixed viewport and mdBook theme (set in localStorage before any page loads). */
/** A browser context for a suite; `initScript` (a function) runs in every page before its own scripts. */
export async function newContext(browser, { viewport, theme = 'light', javaScriptEnabled = true, initScript }) {
    const context = await browser.newContext({
        viewport, deviceScaleFactor: 1, javaScriptEnabled, colorScheme: 'light', reducedMotion: 'reduce',
    });
    await context.addInitScript((t) => {
        try {
            localStorage.setItem('mdbook-theme', t);
            localStorage.setItem('mdbook-sidebar', 'visible');
        } catch { /* storage may be unavailable on about:blank */ }
    }, theme);
    if (initScript) { await context.addInitScript(initScript); }
    return context;
}

/** Open `url` in a new page of `context`, recording console errors, page errors and failed,
 *  4xx/5xx or off-origin requests in `events`. */
export async function openPage(context, url, origin) {
    const page = await context.newPage();
    const events = { consoleErrors: [], failedRequests: [], externalRequests: [] };
    page.on('console', (msg) => {
        if (msg.type() === 'error') { events.consoleErrors.push(msg.text()); }
    });
    page.on('pageerror', (err) => events.consoleErrors.push(`uncaught: ${err.message}`));
    page.on('request', (req) => {
        const u = req.url();
        if (!u.startsWith(origin) && !/^(data|blob|about):/.test(u)) { events.externalRequests.push(u); }
    });
    page.on('requestfailed', (req) => {
        const u = req.url();
        if (u.startsWith(origin)) { events.failedRequests.push(`${u} (${req.failure()?.errorText})`); }
    });
    page.on('response', (res) => {
        if (res.status() >= 400) { events.failedRequests.push(`${res.url()} (HTTP ${res.status()})`); }
    });
    page.setDefaultTimeout(10000);   // a missing control fails its check quickly
    await page.goto(url, { waitUntil: 'load', timeout: 30000 });
    await page.evaluate(() => document.fonts && document.fonts.ready);
    return { page, events };
}

/** Collects results; prints one line per failure (and per pass with --verbose). */
export class Results {
    constructor({ verbose = false } = {}) {
        this.passed = 0;
        this.failed = 0;
        this.skipped = 0;
        this.failures = [];
        this.records = [];
        this.verbose = verbose;
    }
    record(label, check, outcome) {
        const rec = { label, check, ...outcome };
        this.records.push(rec);
        if (outcome.skip) { this.skipped += 1; return rec; }
        if (outcome.ok) {
            this.passed += 1;
            if (this.verbose) { console.log(`ok   ${label} ${check}${outcome.detail ? ': ' + outcome.detail : ''}`); }
        } else {
            this.failed += 1;
            this.failures.push(rec);
            console.log(`FAIL ${label} ${check}: ${outcome.detail || ''}`);
        }
        return rec;
    }
}

/** Run async `fn` over `items` with at most `n` in flight. */
export async function pool(items, n, fn) {
    let next = 0;
    const workers = Array.from({ length: Math.max(1, Math.min(n, items.length)) }, async () => {
        while (next < items.length) {
            const i = next;
            next += 1;
            await fn(items[i], i);
        }
    });
    await Promise.all(workers);
}

/** Every .html file under `dir`, as paths relative to it with forward slashes. */
export function listHtml(dir) {
    const out = [];
    const walk = (d, rel) => {
        for (const e of fs.readdirSync(d, { withFileTypes: true })) {
            const r = rel ? `${rel}/${e.name}` : e.name;
            if (e.isDirectory()) { walk(path.join(d, e.name), r); } else if (e.name.endsWith('.html')) { out.push(r); }
        }
    };
    walk(dir, '');
    return out.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}
