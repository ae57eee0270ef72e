// What runs where. A suite = a viewport, an mdBook theme, a page selection and an ordered list of
// checks run on one loaded page (a check may change the page's state for the ones after it, e.g. the
// expand-answers step, the viewport and theme steps). To add a test: write a check
// ({ name, run(ctx) → { ok, detail } | { skip } }) under checks/ and list it in a suite here; `checks` may
// also be a function of the page path.
import { noHorizontalScroll, noClippedOverflow } from './checks/layout.mjs';
import { noConsoleErrors, noFailedRequests, noExternalRequests } from './checks/network.mjs';
import {
    answersCollapsed, longCodeFolded, summaryClickOpens, expandAllOpens, collapseAllCloses,
    expandAnswersStep, printExpands, hashOpensAnswer,
} from './checks/exercises.mjs';
import { cardContrast } from './checks/contrast.mjs';
import { copyTex } from './checks/copytex.mjs';
import { numberedLabels } from './checks/numbering.mjs';
import { tagFilter, tagFilterNoJs } from './checks/tagfilter.mjs';
import { setViewport, switchTheme } from './checks/view.mjs';
import { printPageShown, printDialogOnLoad, printUnfolds, printButtonLeadsHere, countPrintCalls } from './checks/print.mjs';

export const NARROWEST = { width: 360, height: 740 };   // the narrowest width the theme supports
export const MOBILE = { width: 375, height: 812 };
export const DESKTOP = { width: 1280, height: 800 };

// A chapter's print page (crates/print-chapters): chNN/print.html, chNN/print-2.html, …
export const isPrintPage = (p) => /^(ch\d+|appendix-[^/]+)\/print(-\d+)?\.html$/.test(p);
// Pages the suites cover: chapter pages (chNN/…, appendix-X/…, not their print pages) and top-level
// pages with a tagged index; the print pages have a suite of their own.
export const isChapterPage = (p) => /^(ch\d+|appendix-[^/]+)\//.test(p) && !isPrintPage(p);

const LAYOUT_FLOW = [
    noHorizontalScroll(),
    noClippedOverflow(),
    answersCollapsed,
    longCodeFolded,
    summaryClickOpens,
    expandAllOpens,
    collapseAllCloses,
    hashOpensAnswer,
    printExpands,
    copyTex,
    numberedLabels,
    tagFilter,
    expandAnswersStep,
    noHorizontalScroll(' (all unfolded)'),
    noClippedOverflow(' (all unfolded)'),
];
const HYGIENE = [noConsoleErrors, noFailedRequests, noExternalRequests];

/** `pages`: every page selected; `cardPages`: those with exercise or research-thread cards;
 *  `printPages`: the chapters' print pages. */
export function suites({ pages, cardPages = pages, printPages = [] }) {
    const cards = new Set(cardPages);
    return [
        {
            // 375 px, then the same page narrowed to 360 px with everything unfolded
            name: '375', viewport: MOBILE, theme: 'light', pages,
            checks: [...LAYOUT_FLOW, setViewport(NARROWEST.width, NARROWEST.height),
                noHorizontalScroll(' at 360 px (all unfolded)'), noClippedOverflow(' at 360 px (all unfolded)'), ...HYGIENE],
        },
        {
            // 1280 px; on pages with cards, then coal (required) and the other themes through the picker
            name: '1280', viewport: DESKTOP, theme: 'light', pages,
            checks: (p) => [...LAYOUT_FLOW, ...(cards.has(p)
                ? ['coal', 'navy', 'ayu', 'rust', 'light'].flatMap((t) => [switchTheme(t), cardContrast(4.5, t)])
                : []), ...HYGIENE],
        },
        {
            // each chapter's print page(s): open, print with the answers unfolded, reached by the button
            name: 'print', viewport: DESKTOP, theme: 'light', pages: printPages, initScript: countPrintCalls,
            checks: [printDialogOnLoad, printPageShown, printUnfolds, printButtonLeadsHere, ...HYGIENE],
        },
        {
            name: 'nojs', viewport: MOBILE, theme: 'light', javaScriptEnabled: false,
            pages: pages.filter((p) => !isChapterPage(p)), checks: [tagFilterNoJs],
        },
    ];
}
