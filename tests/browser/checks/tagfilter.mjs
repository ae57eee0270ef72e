// Research-index tag filter: common.js builds one button per tag present; a tag shows exactly the
// items carrying it; pressing it again (or 全部) shows everything. Without JavaScript nothing is hidden.

const ITEMS = 'main li[data-tags], main tr[data-tags]';

export const tagFilter = {
    name: 'tag-filter',
    async run({ page }) {
        const items = await page.evaluate((sel) => [...document.querySelectorAll(sel)]
            .filter((i) => !i.closest('section.research-thread'))
            .map((i) => i.getAttribute('data-tags').split(',').map((t) => t.trim()).filter(Boolean)), ITEMS);
        if (items.length < 2) { return { skip: true }; }
        const tags = [...new Set(items.flat())].sort();
        const errors = [];
        const buttons = await page.locator('.tag-filter button[data-tag]').evaluateAll((bs) => bs.map((b) => b.dataset.tag));
        const missing = tags.filter((t) => !buttons.includes(t));
        if (missing.length) { errors.push(`no button for ${missing.join(', ')}`); }
        if (!buttons.includes('') || missing.length) {
            return { ok: false, detail: `no tag filter (${errors.join('; ') || 'no 全部 button'})` };
        }
        const visibleTags = () => page.evaluate((sel) => [...document.querySelectorAll(sel)]
            .filter((i) => !i.closest('section.research-thread'))
            .map((i) => ({ tags: i.getAttribute('data-tags').split(',').map((t) => t.trim()), shown: i.getClientRects().length > 0 })), ITEMS);
        for (const tag of tags.slice(0, 3)) {
            await page.locator(`.tag-filter button[data-tag="${tag}"]`).click();
            const state = await visibleTags();
            const wrong = state.filter((s) => s.shown !== s.tags.includes(tag));
            if (wrong.length) { errors.push(`tag ${tag}: ${wrong.length} items wrongly shown/hidden`); }
            const pressed = await page.locator(`.tag-filter button[data-tag="${tag}"]`).getAttribute('aria-pressed');
            if (pressed !== 'true') { errors.push(`tag ${tag}: button not aria-pressed`); }
            if (!page.url().includes(`tag=${encodeURIComponent(tag)}`)) { errors.push(`tag ${tag}: URL not updated`); }
        }
        await page.locator('.tag-filter button[data-tag=""]').click();
        const all = await visibleTags();
        if (all.some((s) => !s.shown)) { errors.push('全部 does not show every item'); }
        return { ok: errors.length === 0, detail: errors.length ? errors.join('; ') : `${tags.length} tags, ${items.length} items` };
    },
};

/** Without JavaScript the full list shows (run in a context with JavaScript disabled). */
export const tagFilterNoJs = {
    name: 'tag-filter-nojs',
    async run({ page }) {
        const r = await page.evaluate((sel) => {
            const items = [...document.querySelectorAll(sel)].filter((i) => !i.closest('section.research-thread'));
            return { n: items.length, hidden: items.filter((i) => i.getClientRects().length === 0).length };
        }, ITEMS);
        if (r.n < 2) { return { skip: true }; }
        return { ok: r.hidden === 0, detail: `${r.n - r.hidden}/${r.n} items shown without JavaScript` };
    },
};
