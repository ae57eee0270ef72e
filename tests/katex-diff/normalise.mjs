// Normalisation of KaTeX's HTML for the differential test (tests/katex-diff/run.mjs).
//
// Two renderings count as the same only if, after exactly these rewrites, they are equal byte
// for byte; everything else is a difference that fails the test:
//
//   1. attribute order: the attributes of every start tag are sorted by name (names and values
//      unchanged; katex-rs writes some attributes, e.g. an <svg>'s width/height/viewBox, in
//      another order than KaTeX).
//   2. order of spacing spans: a run of two or more adjacent sibling elements that are all
//      spacing spans — `<span class="mspace" …>` with no child element and no text other than
//      spaces (U+0020, U+00A0) — is sorted (by its serialised text). Such spans only add
//      horizontal space, so their order within the run cannot move anything on screen. Text or any
//      other element between them ends the run.
//   3. class order: the tokens of a `class` attribute are sorted (HTML defines `class` as a set of
//      tokens; katex-rs writes e.g. `mord mtight cjk_fallback` for KaTeX's `mord cjk_fallback mtight`).
//   4. negative zero in SVG path data: in an `<path d="…">` value, a number `-0` (not followed by
//      `.` or a digit) is written `0` (katex-rs writes `v-0` where KaTeX writes `v0`, same path).
//
// The input is KaTeX's own output: well-formed tags, attribute values quoted with `"`, `<svg>` and
// its `<path …/>` children, text with `&amp;`-style escapes, no comments.

const VOID = new Set(['br', 'img', 'hr', 'col', 'input', 'link', 'meta']);

/** Parse KaTeX's HTML into a tree of {tag, attrs: [[name, value]], children, selfClosing} and
 *  strings. Throws on anything it does not understand, so nothing is silently compared away. */
export function parse(html) {
    const root = { tag: '#root', attrs: [], children: [] };
    const stack = [root];
    const re = /<\/([A-Za-z][\w:-]*)\s*>|<([A-Za-z][\w:-]*)((?:\s+[^\s=\/>]+(?:="[^"]*"|='[^']*')?)*)\s*(\/?)>|([^<]+)/gy;
    let m;
    let at = 0;
    while (at < html.length) {
        re.lastIndex = at;
        m = re.exec(html);
        if (!m) { throw new Error(`unparsable HTML at ${at}: ${html.slice(at, at + 60)}`); }
        at = re.lastIndex;
        const top = stack[stack.length - 1];
        if (m[1]) {
            if (top.tag !== m[1]) { throw new Error(`</${m[1]}> closes <${top.tag}> at ${at}`); }
            stack.pop();
        } else if (m[2]) {
            const attrs = [];
            const are = /\s+([^\s=\/>]+)(?:="([^"]*)"|='([^']*)')?/g;
            let a;
            while ((a = are.exec(m[3])) !== null) {
                attrs.push([a[1], a[2] ?? a[3] ?? null]);
            }
            const el = { tag: m[2], attrs, children: [], selfClosing: m[4] === '/' };
            top.children.push(el);
            if (!el.selfClosing && !VOID.has(el.tag)) { stack.push(el); }
        } else {
            top.children.push(m[5]);
        }
    }
    if (stack.length !== 1) { throw new Error(`unclosed <${stack[stack.length - 1].tag}>`); }
    return root;
}

function serialise(node, sortAttrs) {
    if (typeof node === 'string') { return node; }
    const inner = node.children.map((c) => serialise(c, sortAttrs)).join('');
    if (node.tag === '#root') { return inner; }
    const attrs = sortAttrs
        ? [...node.attrs].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))
        : node.attrs;
    if (sortAttrs === 'tokens') {
        for (const at of attrs) {
            if (at[0] === 'class' && at[1] !== null) {
                at[1] = at[1].split(/\s+/).filter(Boolean).sort().join(' ');
            } else if (at[0] === 'd' && node.tag === 'path' && at[1] !== null) {
                at[1] = at[1].replace(/-0(?![.\d])/g, '0');
            }
        }
    }
    const a = attrs.map(([n, v]) => (v === null ? ` ${n}` : ` ${n}="${v}"`)).join('');
    if (node.selfClosing) { return `<${node.tag}${a}/>`; }
    if (VOID.has(node.tag)) { return `<${node.tag}${a}>`; }
    return `<${node.tag}${a}>${inner}</${node.tag}>`;
}

function isSpacingSpan(node) {
    if (typeof node === 'string' || node.tag !== 'span') { return false; }
    const cls = node.attrs.find(([n]) => n === 'class');
    if (!cls || cls[1] === null || !cls[1].split(/\s+/).includes('mspace')) { return false; }
    return node.children.every((c) => typeof c === 'string' && /^[ \u00a0]*$/.test(c));
}

/** Sort every run of ≥ 2 adjacent sibling spacing spans, in place, everywhere in the tree.
 *  Returns how many runs changed order. */
function sortSpacingRuns(node) {
    if (typeof node === 'string') { return 0; }
    let changed = 0;
    for (const c of node.children) { changed += sortSpacingRuns(c); }
    const kids = node.children;
    let i = 0;
    while (i < kids.length) {
        if (!isSpacingSpan(kids[i])) { i += 1; continue; }
        let j = i;
        while (j < kids.length && isSpacingSpan(kids[j])) { j += 1; }
        if (j - i >= 2) {
            const run = kids.slice(i, j);
            const keyed = run.map((k) => [serialise(k, true), k]);
            const sorted = [...keyed].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
            if (sorted.some(([, k], n) => k !== run[n])) { changed += 1; }
            kids.splice(i, j - i, ...sorted.map(([, k]) => k));
        }
        i = j;
    }
    return changed;
}

/** Compare two renderings of one formula. `kind` is the first rule that makes them equal:
 *  'identical' (byte for byte), 'attribute-order', 'spacing-order' (needs rule 2, and maybe 1),
 *  'class-or-path' (needs rule 3 or 4 too), or 'different' (a real difference: the test fails). */
export function compare(ours, theirs) {
    if (ours === theirs) { return { kind: 'identical' }; }
    const a = parse(ours);
    const b = parse(theirs);
    const a1 = serialise(a, true);
    const b1 = serialise(b, true);
    if (a1 === b1) { return { kind: 'attribute-order' }; }
    sortSpacingRuns(a);
    sortSpacingRuns(b);
    const a2 = serialise(a, true);
    const b2 = serialise(b, true);
    if (a2 === b2) { return { kind: 'spacing-order' }; }
    const a3 = serialise(a, 'tokens');
    const b3 = serialise(b, 'tokens');
    if (a3 === b3) { return { kind: 'class-or-path' }; }
    return { kind: 'different', ours: a3, theirs: b3 };
}
