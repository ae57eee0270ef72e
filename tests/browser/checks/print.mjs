// A chapter's print page (crates/print-chapters; `ch03/print.html`, `print-2.html` …): it opens, shows
// every page of its part with typeset math, asks for the print dialog once loaded, prints with every
// answer and hint unfolded and without the menu bar or sidebar, and the print button of the sections
// it holds leads to it. The checks run in this order on one loaded print page.

/** On screen: the part's pages are there with KaTeX's math, answers folded. */
export const printPageShown = {
    name: 'print-page-shown',
    async run({ page }) {
        const r = await page.evaluate(() => ({
            pages: document.querySelectorAll('main > .print-page').length,
            headed: [...document.querySelectorAll('main > .print-page')].filter((p) => p.querySelector('h1')).length,
            katex: document.querySelectorAll('main .katex').length,
            placeholders: document.querySelectorAll('main .math-tex').length,
            open: document.querySelectorAll('main details.answer[open], main details.hint[open]').length,
            answers: document.querySelectorAll('main details.answer, main details.hint').length,
        }));
        const ok = r.pages > 0 && r.headed === r.pages && r.placeholders === 0 && r.open === 0;
        return {
            ok,
            detail: `${r.pages} pages (${r.headed} with a heading), ${r.katex} formulas, ${r.placeholders} untypeset, `
                + `${r.open} of ${r.answers} answers and hints open`,
        };
    },
};

/** The print suite's pages count their calls of window.print instead of opening the dialog
 *  (headless Chromium's print fires `beforeprint`, which unfolds everything, but never `afterprint`). */
export function countPrintCalls() {
    window.__printCalls = 0;
    window.print = () => { window.__printCalls += 1; };
}

/** Loading the page asked for the print dialog exactly once (see countPrintCalls). */
export const printDialogOnLoad = {
    name: 'print-dialog-on-load',
    async run({ page }) {
        await page.waitForFunction(() => window.__printCalls > 0, null, { timeout: 3000 }).catch(() => {});
        await page.waitForTimeout(200);
        const calls = await page.evaluate(() => window.__printCalls);
        return { ok: calls === 1, detail: `window.print() called ${calls} time(s) after load` };
    },
};

/** Printing (beforeprint, then print media): every answer and hint unfolded and laid out, no menu bar,
 *  sidebar, toolbar or parts list; afterprint folds them again. */
export const printUnfolds = {
    name: 'print-unfolds-answers',
    async run({ page }) {
        await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
        await page.emulateMedia({ media: 'print' });
        const p = await page.evaluate(() => {
            const shown = (sel) => [...document.querySelectorAll(sel)].filter((e) => e.checkVisibility()).length;
            const details = [...document.querySelectorAll('main details.answer, main details.hint')];
            const bodies = [...document.querySelectorAll('main details.answer > :not(summary), main details.hint > :not(summary)')];
            return {
                details: details.length,
                open: details.filter((d) => d.open).length,
                bodies: bodies.length,
                invisible: bodies.filter((b) => !b.checkVisibility()).length,
                chrome: shown('#mdbook-menu-bar, #mdbook-sidebar, .nav-chapters, .exercise-toolbar, nav.print-parts'),
            };
        });
        await page.emulateMedia({ media: null });
        await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
        const after = await page.evaluate(() => document.querySelectorAll('main details.answer[open], main details.hint[open]').length);
        const ok = p.open === p.details && p.invisible === 0 && p.chrome === 0 && after === 0;
        return {
            ok,
            detail: `${p.open}/${p.details} answers and hints open, ${p.bodies - p.invisible}/${p.bodies} of their blocks printed, `
                + `${p.chrome} menu/sidebar/toolbar elements printed, ${after} left open after printing`,
        };
    },
};

/** The print button of each section in this part, as its page has it, leads here (a section in a
 *  later part has its button pointed at its part). */
export const printButtonLeadsHere = {
    name: 'print-button-leads-here',
    async run({ page }) {
        const r = await page.evaluate(async () => {
            const here = new URL(window.location.href);
            here.hash = '';
            const ids = [...document.querySelectorAll('main > .print-page')].map((p) => p.id);
            const wrong = [];
            for (const id of ids) {
                const section = new URL(`${id.replace(/^print-/, '')}.html`, here);
                const html = await (await fetch(section)).text();
                const doc = new DOMParser().parseFromString(html, 'text/html');
                const a = doc.getElementById('mdbook-print-chapter');
                const to = a && new URL(a.getAttribute('href'), section);
                if (!to || to.href !== here.href) { wrong.push(`${section.pathname} → ${to ? to.pathname : 'no button'}`); }
            }
            return { n: ids.length, wrong };
        });
        return { ok: r.n > 0 && !r.wrong.length, detail: `${r.n - r.wrong.length}/${r.n} sections' buttons lead here ${r.wrong.join(', ')}` };
    },
};
