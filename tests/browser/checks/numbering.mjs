// Numbered figures, tables, algorithms and equations (crates/numbering): every target shows its
// label where a reader looks for it, and every reference on the page names the number its target
// shows and points at an element that exists. Equation numbers are KaTeX's \tag, read from the
// rendered formula.

export const numberedLabels = {
    name: 'numbered labels',
    async run({ page }) {
        const r = await page.evaluate(() => {
            const main = document.querySelector('#mdbook-content main') || document.body;
            const errors = [];
            const shown = new Map(); // id → label the reader sees
            const boxes = [['figure', '图'], ['table', '表'], ['algorithm', '算法']];
            for (const [kind, zh] of boxes) {
                for (const f of main.querySelectorAll(`figure.numbered-${kind}`)) {
                    const label = f.querySelector(`figcaption .${kind}-number`);
                    const text = label?.textContent.trim() || '';
                    if (!new RegExp(`^${zh} [0-9A-Z]+\\.\\d+$`).test(text)) {
                        errors.push(`#${f.id}: label ${JSON.stringify(text)}`);
                        continue;
                    }
                    const box = label.getBoundingClientRect();
                    if (!label.closest('details:not([open])') && (box.width === 0 || box.height === 0)) {
                        errors.push(`#${f.id}: label not visible`);
                    }
                    shown.set(f.id, text);
                }
            }
            for (const a of main.querySelectorAll('span.equation-anchor[id]')) {
                let el = a.nextElementSibling;
                const tag = el?.classList.contains('katex-display') ? el.querySelector('.katex-tag, .tag') : null;
                const text = tag?.textContent.trim() || '';
                if (!/^\([0-9A-Z]+\.\d+\)$/.test(text)) {
                    errors.push(`#${a.id}: equation number ${JSON.stringify(text)}`);
                    continue;
                }
                shown.set(a.id, `式 ${text}`);
            }
            let refs = 0;
            for (const a of main.querySelectorAll('a[href^="#fig-"], a[href^="#tab-"], a[href^="#alg-"], a[href^="#eq-"]')) {
                const id = decodeURIComponent(a.getAttribute('href').slice(1));
                refs += 1;
                if (!document.getElementById(id)) {
                    errors.push(`link to missing #${id}`);
                } else if (/^(图|表|算法|式) /.test(a.textContent.trim()) && shown.has(id) && a.textContent.trim() !== shown.get(id)) {
                    errors.push(`link says ${JSON.stringify(a.textContent.trim())}, #${id} shows ${JSON.stringify(shown.get(id))}`);
                }
            }
            return { targets: shown.size, refs, errors };
        });
        if (r.targets === 0 && r.refs === 0) { return { skip: true }; }
        return { ok: r.errors.length === 0, detail: r.errors.length ? r.errors.slice(0, 5).join('; ') : `${r.targets} labels, ${r.refs} references` };
    },
};
