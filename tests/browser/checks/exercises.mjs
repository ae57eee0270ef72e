// Exercises: folded answers and hints, the per-page 展开全部答案 / 折叠全部 toolbar, long-code folding,
// and printing with everything unfolded. The checks run in this order on one loaded page.

const ANSWERS = 'section.exercise details.answer';
const FOLDABLE = 'section.exercise details.answer, section.exercise details.hint';

async function counts(page) {
    return page.evaluate((sel) => {
        const all = [...document.querySelectorAll(sel)];
        return { total: all.length, open: all.filter((d) => d.open).length };
    }, FOLDABLE);
}

/** Let a frame pass (scroll events and the layout they cause), then wait for pending fonts. */
async function settle(page) {
    await page.evaluate(async () => {
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        if (document.fonts) { await document.fonts.ready; }
    });
}

/** Click `locator` and say where the press and the release landed, so a failed toolbar check tells
 *  a missed click from a broken handler.
 *
 *  The page is scrolled to the top and then down to the button first, as a reader would come to
 *  it. mdBook's menu bar is moved by a `scroll` listener (position: relative with a `top` that
 *  trails the scroll position); after the earlier checks jumped up and down the page it could sit
 *  mid-screen, over the button: the press landed on the bar's title, the bar turned sticky under
 *  the hovering pointer, the release landed on the button, and no click reached it (seen at 375 px,
 *  in one run of three). Coming from above leaves the bar at the top of the document. */
async function clickAndTell(page, locator) {
    await page.evaluate(() => window.scrollTo(0, 0));
    await settle(page);
    await locator.scrollIntoViewIfNeeded();
    await settle(page);
    await page.evaluate(() => {
        window.__clickTrace = [];
        const tag = (t) => `${t.tagName.toLowerCase()}${typeof t.className === 'string' && t.className ? '.' + t.className.trim().split(/\s+/).join('.') : ''}`;
        for (const type of ['pointerdown', 'pointerup', 'click']) {
            document.addEventListener(type, (e) => {
                window.__clickTrace.push(`${type} on ${tag(e.target)} at ${Math.round(e.clientX)},${Math.round(e.clientY)}`);
            }, { capture: true, once: true });
        }
    });
    await locator.click();
    return page.evaluate(() => window.__clickTrace.join(', ') || 'no pointer events');
}

/** Answers and hints are closed when the page has loaded. */
export const answersCollapsed = {
    name: 'answers-collapsed',
    async run({ page }) {
        const r = await page.evaluate((sel) => {
            const all = [...document.querySelectorAll(sel)];
            return { total: all.length, open: all.filter((d) => d.open).map((d) => d.closest('section').id) };
        }, FOLDABLE);
        if (r.total === 0) { return { skip: true }; }
        return { ok: r.open.length === 0, detail: r.open.length ? `open on load in ${r.open.join(', ')}` : `${r.total} closed` };
    },
};

/** Code blocks longer than 25 lines are folded (closed details.fold), shorter ones are not. */
export const longCodeFolded = {
    name: 'long-code-folded',
    async run({ page }) {
        const r = await page.evaluate(() => {
            const main = document.querySelector('#mdbook-content main') || document.body;
            const pres = [...main.querySelectorAll('pre')].filter((p) => !p.classList.contains('code-fold-preview'));
            const bad = [];
            let long = 0;
            for (const p of pres) {
                const n = (p.querySelector('code') || p).textContent.replace(/\n+$/, '').split('\n').length;
                const fold = p.closest('details.fold');
                if (n > 25) {
                    long += 1;
                    if (!fold || fold.open) { bad.push(`${n}-line block not folded`); }
                } else if (fold) {
                    bad.push(`${n}-line block folded`);
                }
            }
            return { pres: pres.length, long, bad };
        });
        if (r.pres === 0) { return { skip: true }; }
        return { ok: r.bad.length === 0, detail: r.bad.length ? r.bad.join('; ') : `${r.long} of ${r.pres} blocks folded` };
    },
};

/** A real click on the first answer's summary opens that answer. */
export const summaryClickOpens = {
    name: 'answer-click-opens',
    async run({ page }) {
        const summary = page.locator(`${ANSWERS} > summary`).first();
        if (await summary.count() === 0) { return { skip: true }; }
        const before = await summary.evaluate((s) => s.parentElement.open);
        const on = await clickAndTell(page, summary);
        const after = await summary.evaluate((s) => s.parentElement.open);
        await summary.click();   // leave it as it was
        return { ok: !before && after, detail: `open before ${before}, after click ${after} (${on})` };
    },
};

/** The toolbar exists exactly on pages with exercises; 展开全部答案 opens every answer and hint. */
export const expandAllOpens = {
    name: 'expand-all-opens',
    async run({ page }) {
        const hasExercises = await page.locator('section.exercise').count() > 0;
        const button = page.locator('.exercise-toolbar button[data-action="expand-answers"]');
        const n = await button.count();
        if (!hasExercises) {
            return n === 0 ? { skip: true } : { ok: false, detail: 'toolbar on a page without exercises' };
        }
        if (n !== 1) { return { ok: false, detail: `${n} 展开全部答案 buttons` }; }
        const label = (await button.textContent()).trim();
        const on = await clickAndTell(page, button);
        const c = await counts(page);
        return { ok: label === '展开全部答案' && c.open === c.total, detail: `label 「${label}」, ${c.open}/${c.total} open (${on})` };
    },
};

/** 折叠全部 closes every answer and hint again. */
export const collapseAllCloses = {
    name: 'collapse-all-closes',
    async run({ page }) {
        const button = page.locator('.exercise-toolbar button[data-action="collapse-answers"]');
        if (await button.count() === 0) { return { skip: true }; }
        const on = await clickAndTell(page, button);
        const c = await counts(page);
        return { ok: c.open === 0, detail: `${c.open}/${c.total} still open (${on})` };
    },
};

/** Open every answer/hint through the toolbar (a state change for the checks that follow). */
export const expandAnswersStep = {
    name: 'expand-answers',
    step: true,
    async run({ page }) {
        await page.evaluate(() => {
            document.querySelector('.exercise-toolbar button[data-action="expand-answers"]')?.click();
            document.querySelectorAll('details.fold').forEach((d) => { d.open = true; });
        });
        return { ok: true };
    },
};

/** beforeprint opens every <details> and answers print visibly; afterprint restores the state. */
export const printExpands = {
    name: 'print-expands',
    async run({ page }) {
        const any = await page.locator('main details').count();
        if (any === 0) { return { skip: true }; }
        const r = await page.evaluate(() => {
            const all = [...document.querySelectorAll('main details')];
            const before = all.map((d) => d.open);
            window.dispatchEvent(new Event('beforeprint'));
            const during = all.filter((d) => d.open).length;
            window.dispatchEvent(new Event('afterprint'));
            const restored = all.every((d, i) => d.open === before[i]);
            return { total: all.length, during, restored };
        });
        // print media: toolbar hidden, answer bodies laid out (checked with every <details> open)
        await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
        await page.emulateMedia({ media: 'print' });
        const p = await page.evaluate(() => {
            const bar = document.querySelector('.exercise-toolbar');
            const hiddenBar = !bar || getComputedStyle(bar).display === 'none';
            const bodies = [...document.querySelectorAll('section.exercise details.answer > :not(summary)')];
            const invisible = bodies.filter((b) => !b.checkVisibility()).length;
            return { hiddenBar, bodies: bodies.length, invisible };
        });
        await page.emulateMedia({ media: null });
        await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
        const ok = r.during === r.total && r.restored && p.hiddenBar && p.invisible === 0;
        return {
            ok,
            detail: `${r.during}/${r.total} open while printing, restored ${r.restored}, toolbar hidden ${p.hiddenBar}, `
                + `${p.bodies - p.invisible}/${p.bodies} answer blocks printed`,
        };
    },
};

/** A link to an element inside a closed answer opens that answer (common.js on hashchange; current
 *  Chromium also does it natively for fragment navigation, so this checks the behaviour, not the code). */
export const hashOpensAnswer = {
    name: 'hash-opens-answer',
    async run({ page }) {
        const id = await page.evaluate(() => {
            const t = document.querySelector('section.exercise details.answer [id]');
            return t ? t.id : null;
        });
        if (!id) { return { skip: true }; }
        const r = await page.evaluate(async (target) => {
            const d = document.getElementById(target).closest('details');
            d.open = false;
            location.hash = target;
            await new Promise((res) => setTimeout(res, 50));
            const open = d.open;
            history.replaceState(null, '', location.pathname + location.search);
            d.open = false;
            return open;
        }, id);
        return { ok: r, detail: `#${id} ${r ? 'opened' : 'did not open'} its answer` };
    },
};
