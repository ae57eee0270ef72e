// copy-tex: copying a selection that contains rendered KaTeX yields the TeX source on text/plain.
// Three cases on the page's first visible paragraph with math: the whole paragraph, a selection that
// starts in the middle of a formula, and a selection without math (the browser's own copy is kept).

export const copyTex = {
    name: 'copy-tex',
    async run({ page }) {
        const r = await page.evaluate(() => {
            const main = document.querySelector('#mdbook-content main') || document.body;
            const visible = (e) => e.getClientRects().length > 0 && !e.closest('details:not([open])');
            const k = [...main.querySelectorAll('.katex')].find(visible);
            if (!k) { return { skip: true }; }
            const tex = (e) => e.querySelector('annotation[encoding="application/x-tex"]')?.textContent.trim();
            const fire = (range) => {
                const sel = window.getSelection();
                sel.removeAllRanges();
                sel.addRange(range);
                const dt = new DataTransfer();
                const ev = new ClipboardEvent('copy', { clipboardData: dt, bubbles: true, cancelable: true });
                (range.startContainer.parentElement || document).dispatchEvent(ev);
                sel.removeAllRanges();
                return { text: dt.getData('text/plain'), html: dt.getData('text/html'), prevented: ev.defaultPrevented };
            };
            const errors = [];
            // 1. whole block around the first formula
            const block = k.closest('p, li, td, th, figcaption, div') || k.parentElement;
            const r1 = document.createRange();
            r1.selectNodeContents(block);
            const c1 = fire(r1);
            const expected = [...block.querySelectorAll('.katex')].map((e) => (e.parentElement.classList.contains('katex-display')
                ? `$$${tex(e)}$$` : `$${tex(e)}$`));
            let at = 0;
            for (const want of expected) {
                const i = c1.text.indexOf(want, at);
                if (i < 0) { errors.push(`missing ${want.slice(0, 40)}`); } else { at = i + want.length; }
            }
            if (!c1.prevented) { errors.push('handler did not take over the copy'); }
            if (!c1.html) { errors.push('no text/html flavour'); }
            // no KaTeX internals (MathML text or rendered glyph runs) leak into the plain text
            const rendered = k.querySelector('.katex-html')?.textContent.trim();
            if (rendered && rendered.length > 3 && c1.text.includes(rendered) && !expected.some((e) => e.includes(rendered))) {
                errors.push('rendered KaTeX text leaked into text/plain');
            }
            // 2. selection starting inside a formula's rendered HTML expands to the whole formula
            const inner = [...(k.querySelector('.katex-html')?.querySelectorAll('span') || [])]
                .map((s) => s.firstChild).find((t) => t && t.nodeType === 3 && t.data.trim());
            if (inner) {
                const r2 = document.createRange();
                r2.setStart(inner, 0);
                r2.setEndAfter(block.lastChild);
                const c2 = fire(r2);
                const want = k.parentElement.classList.contains('katex-display') ? `$$${tex(k)}$$` : `$${tex(k)}$`;
                if (!c2.text.startsWith(want)) { errors.push(`partial selection gave ${JSON.stringify(c2.text.slice(0, 50))}`); }
            }
            // 3. a selection without math is left to the browser
            const plain = [...main.querySelectorAll('p')].find((p) => visible(p) && !p.querySelector('.katex') && p.textContent.trim());
            if (plain) {
                const r3 = document.createRange();
                r3.selectNodeContents(plain);
                const c3 = fire(r3);
                if (c3.prevented) { errors.push('copy without math was intercepted'); }
            }
            return { ok: errors.length === 0, detail: errors.length ? errors.join('; ') : `${expected.length} formula(s) → ${JSON.stringify(c1.text.slice(0, 60))}…` };
        });
        return r;
    },
};
