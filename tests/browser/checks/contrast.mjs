// WCAG 2 contrast of exercise/research card text against the background actually behind it (walking up
// through transparent ancestors), from computed colours, in the page's current mdBook theme.
import { parseColor, flatten, contrast, hex } from '../lib/color.mjs';

const TARGETS = [
    ['title', 'section.exercise .exercise-title'],
    ['number', 'section.exercise .exercise-number'],
    ['kind', 'section.exercise .exercise-kind'],
    ['difficulty', 'section.exercise .exercise-difficulty'],
    ['answer summary', 'section.exercise details.answer > summary'],
    ['hint summary', 'section.exercise details.hint > summary'],
    ['thread title', 'section.research-thread .research-title'],
    ['thread number', 'section.research-thread .research-number'],
    ['thread tag', 'section.research-thread .rt-tag'],
];

export const cardContrast = (min = 4.5, label = '') => ({
    name: label ? `contrast ${label}` : 'contrast',
    async run({ page, theme }) {
        const samples = await page.evaluate((targets) => {
            const out = [];
            const seen = new Set();
            for (const [label, sel] of targets) {
                for (const e of document.querySelectorAll(sel)) {
                    const fg = getComputedStyle(e).color;
                    const layers = [];
                    for (let n = e; n; n = n.parentElement) {
                        const bg = getComputedStyle(n).backgroundColor;
                        layers.push(bg);
                        if (/^rgb\(/.test(bg) || /^color\(srgb [^/]*\)$/.test(bg)) { break; }   // opaque
                    }
                    const key = `${label}|${fg}|${layers.join('|')}`;
                    if (seen.has(key)) { continue; }
                    seen.add(key);
                    out.push({ label, where: e.closest('section')?.id || '', fg, layers });
                }
            }
            return out;
        }, TARGETS);
        if (samples.length === 0) { return { skip: true }; }
        const low = [];
        let worst = Infinity;
        for (const s of samples) {
            const bg = flatten(s.layers.map(parseColor));
            const fg = flatten([parseColor(s.fg), bg]);
            const c = contrast(fg, bg);
            worst = Math.min(worst, c);
            if (c < min) { low.push(`${s.label} in #${s.where}: ${c.toFixed(2)} (${hex(fg)} on ${hex(bg)})`); }
        }
        return {
            ok: low.length === 0,
            detail: low.length ? `below ${min} in ${theme}: ${low.slice(0, 4).join('; ')}` : `min ${worst.toFixed(2)} over ${samples.length} colour pairs`,
        };
    },
});
