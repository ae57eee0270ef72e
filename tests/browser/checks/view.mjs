// Steps that change how the loaded page is viewed, so later checks reuse the page instead of reloading it.

/** Resize the viewport (then the layout checks can run again at the new width). */
export const setViewport = (width, height) => ({
    name: `viewport ${width}x${height}`,
    step: true,
    async run({ page }) {
        await page.setViewportSize({ width, height });
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
        return { ok: true };
    },
});

/** Switch the mdBook theme the way a reader does: the theme picker in the menu bar. */
export const switchTheme = (theme) => ({
    name: `theme ${theme}`,
    step: true,
    async run(ctx) {
        const { page } = ctx;
        await page.evaluate(() => window.scrollTo(0, 0));
        if (!await page.locator('#mdbook-theme-list').isVisible()) {   // mdBook leaves it open after a pick
            await page.locator('#mdbook-theme-toggle').click();
        }
        await page.locator(`#mdbook-theme-${theme}`).click();
        await page.locator('#mdbook-theme-toggle').click();   // close the popup again
        const ok = await page.evaluate((t) => document.documentElement.classList.contains(t), theme);
        ctx.theme = theme;
        return { ok, detail: ok ? '' : `the picker did not switch to ${theme}` };
    },
});
