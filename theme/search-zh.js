// Search on every change of the search box, not only on key release: mdBook's searcher listens
// to `keyup` alone, so a query pasted with the mouse (or dropped, or picked from autocomplete)
// found nothing until a key was pressed. An `input` event hands the box to mdBook's own handler
// (a synthetic keyup), so what happens is what a key release does: search, URL, marks. Skipped
// while an IME is composing (the pinyin is not the query); the keyup that ends it searches.
(function () {
    'use strict';
    const bar = document.getElementById('mdbook-searchbar');
    if (!bar) {
        return;
    }
    const search = () => bar.dispatchEvent(new KeyboardEvent('keyup', {bubbles: true}));
    bar.addEventListener('input', (e) => {
        if (!e.isComposing) {
            search();
        }
    });
    bar.addEventListener('compositionend', search);
})();

// Arriving from a search result (?highlight=…): mdBook has already marked the matches. When every
// match in the target section is inside a folded answer or hint, unfold the one holding the first
// match, so the reader sees what they searched for. Matches already visible leave answers folded.
(function () {
    'use strict';
    if (!/[?&]highlight=/.test(window.location.search)) {
        return;
    }
    const id = decodeURIComponent(window.location.hash.slice(1));
    const target = id ? document.getElementById(id) : null;
    if (!target) {
        return;
    }
    const HEADING = /^H[1-3]$/;
    // The section a heading starts runs to the next heading of level 1-3; a card is its own scope.
    const inScope = HEADING.test(target.tagName)
        ? (node) => {
            let el = target;
            while ((el = el.nextElementSibling) && !HEADING.test(el.tagName)) {
                if (el.contains(node)) {
                    return true;
                }
            }
            return false;
        }
        : (node) => target.contains(node);
    // Marks inside KaTeX's MathML copy (the TeX annotation) are never visible.
    const marks = Array.from(document.querySelectorAll('#mdbook-content mark'))
        .filter(m => !m.closest('.katex-mathml'))
        .filter(inScope);
    const folded = (m) => {
        for (let d = m.closest('details'); d; d = d.parentElement && d.parentElement.closest('details')) {
            if (!d.open) {
                return true;
            }
        }
        return false;
    };
    if (marks.length === 0 || marks.some(m => !folded(m))) {
        return;
    }
    for (let d = marks[0].closest('details'); d; d = d.parentElement && d.parentElement.closest('details')) {
        d.open = true;
    }
})();
