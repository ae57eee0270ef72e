// Layout: the page never scrolls sideways, and no element sticks out of the viewport (mdBook clips
// #mdbook-body-container with overflow-x: clip, so content that is too wide is cut off rather than
// scrollable: scrollWidth alone cannot see it; the second check can).

/** document.documentElement.scrollWidth <= clientWidth */
export const noHorizontalScroll = (when = '') => ({
    name: `no-horizontal-scroll${when}`,
    async run({ page }) {
        const { sw, cw } = await page.evaluate(() => ({
            sw: document.documentElement.scrollWidth, cw: document.documentElement.clientWidth,
        }));
        return { ok: sw <= cw, detail: `scrollWidth ${sw}, clientWidth ${cw}` };
    },
});

/** Every rendered element of <main> lies inside the viewport horizontally, unless an ancestor inside
 *  <main> scrolls or clips it (a table wrapper, .katex-display, a code block). */
export const noClippedOverflow = (when = '') => ({
    name: `no-clipped-overflow${when}`,
    async run({ page }) {
        const bad = await page.evaluate(() => {
            const vw = document.documentElement.clientWidth;
            const main = document.querySelector('#mdbook-content main') || document.querySelector('main') || document.body;
            const out = [];
            const describe = (e, r) => {
                const cls = typeof e.className === 'string' && e.className ? '.' + e.className.trim().split(/\s+/).join('.') : '';
                const id = e.id ? '#' + e.id : '';
                const text = (e.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40);
                return `<${e.tagName.toLowerCase()}${id}${cls}> x ${Math.round(r.left)}..${Math.round(r.right)} (viewport ${vw}) "${text}"`;
            };
            const walk = (el) => {
                for (const c of el.children) {
                    // not rendered: display none, the inside of a closed <details> (content-visibility), …
                    if (c.checkVisibility && !c.checkVisibility()) { continue; }
                    const cs = getComputedStyle(c);
                    if (cs.display === 'none' || cs.position === 'fixed' || cs.visibility === 'hidden') { continue; }
                    const r = c.getBoundingClientRect();
                    if (r.width > 0 && r.height > 0 && (r.right > vw + 1 || r.left < -1)) {
                        out.push(describe(c, r));
                        continue;   // report the outermost offender only
                    }
                    if (['auto', 'scroll', 'hidden', 'clip'].includes(cs.overflowX)) { continue; }
                    // KaTeX: the rendered .base boxes are checked (above) but not entered; MathML is clipped
                    if (c.classList.contains('base') || c.classList.contains('katex-mathml') || c.tagName === 'svg') { continue; }
                    walk(c);
                }
            };
            walk(main);
            return out;
        });
        return { ok: bad.length === 0, detail: bad.length ? bad.slice(0, 5).join('; ') : 'all inside the viewport' };
    },
});
