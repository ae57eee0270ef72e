/* Chinese-aware search for mdBook's search UI (crates/search-zh).
 *
 * Shipped inside search-zh/index.js after the data (window.searchZhData), so it loads only when a
 * reader first searches. It takes elasticlunr's place: mdBook's searcher calls
 * elasticlunr.Index.load(window.search.index) and then .search(term); both now come here. The
 * searcher still draws the result list; a MutationObserver then fills in each result's snippet
 * (elasticlunr's teaser splits on spaces, which Chinese has none of) and points its link's
 * ?highlight= at the strings that actually matched, which mdBook marks on the target page.
 *
 * The tokenizer is a twin of src/tokenize.rs; tests/fixtures/tokenize-cases.json holds both to it.
 */
(function (root) {
    'use strict';

    // ---- Tokenizer (keep in step with src/tokenize.rs) ----

    const WORD = /[\p{Alphabetic}\p{Nd}\p{Nl}\p{No}]/u;

    function isCjk(cp) {
        return (cp >= 0x3040 && cp <= 0x30FF)
            || (cp >= 0x3400 && cp <= 0x4DBF)
            || (cp >= 0x4E00 && cp <= 0x9FFF)
            || (cp >= 0xF900 && cp <= 0xFAFF)
            || (cp >= 0x20000 && cp <= 0x3134F);
    }

    // One code point → its folded form, never changing its length in UTF-16 units, so offsets in
    // folded text are offsets in the original.
    function foldChar(ch) {
        let cp = ch.codePointAt(0);
        if (cp >= 0xFF01 && cp <= 0xFF5E) {
            cp -= 0xFEE0;
        } else if (cp === 0x3000) {
            cp = 0x20;
        }
        const c = String.fromCodePoint(cp);
        if (cp < 0x80) {
            return c.toLowerCase();
        }
        const lower = c.toLowerCase();
        return lower.length === c.length && [...lower].length === 1 ? lower : c;
    }

    function fold(text) {
        let out = '';
        for (const ch of text) {
            out += foldChar(ch);
        }
        return out;
    }

    function classOf(ch) {
        const cp = ch.codePointAt(0);
        if (isCjk(cp)) {
            return 'cjk';
        }
        return WORD.test(ch) ? 'word' : null;
    }

    // Folded text → runs of one class: [{cls: 'cjk'|'word', text}].
    function runs(text) {
        const out = [];
        let cur = null;
        for (const raw of text) {
            const ch = foldChar(raw);
            const cls = classOf(ch);
            if (cur && cls === cur.cls) {
                cur.text += ch;
            } else {
                if (cur) {
                    out.push(cur);
                }
                cur = cls ? {cls, text: ch} : null;
            }
        }
        if (cur) {
            out.push(cur);
        }
        return out;
    }

    function bigrams(s) {
        const chars = [...s];
        const out = [];
        for (let i = 0; i + 1 < chars.length; i++) {
            out.push(chars[i] + chars[i + 1]);
        }
        return out;
    }

    function runTerms(run) {
        if ([...run.text].length < 2) {
            return [];
        }
        return run.cls === 'word' ? [run.text] : bigrams(run.text);
    }

    function terms(text) {
        return runs(text).flatMap(runTerms);
    }

    // ---- Query ----

    // Particles that readers type around a term (DDPM 的变分下界) but that are not part of it.
    const EDGE_PARTICLES = new Set([...'的了和与及或在是中之']);

    function stripParticles(s) {
        let chars = [...s];
        while (chars.length > 2 && EDGE_PARTICLES.has(chars[0])) {
            chars = chars.slice(1);
        }
        while (chars.length > 2 && EDGE_PARTICLES.has(chars[chars.length - 1])) {
            chars = chars.slice(0, -1);
        }
        return chars.join('');
    }

    // A query → units (what must match) and phrases (multi-unit pieces like fokker-planck that
    // rank higher when they occur verbatim).
    function parseQuery(query) {
        const units = [];
        const seen = new Set();
        const phrases = [];
        const segments = query.split(/\s+/).filter(Boolean);
        const openEnded = !/\s$/.test(query);
        segments.forEach((segment, si) => {
            const segRuns = runs(segment);
            if (segRuns.length > 1) {
                phrases.push(fold(segment));
            }
            segRuns.forEach((run, ri) => {
                const text = run.cls === 'cjk' ? stripParticles(run.text) : run.text;
                if (seen.has(text)) {
                    return;
                }
                seen.add(text);
                const last = si === segments.length - 1 && ri === segRuns.length - 1;
                units.push({
                    cls: run.cls,
                    text,
                    len: [...text].length,
                    // Typing "classif" should already find "classifier".
                    prefix: run.cls === 'word' && last && openEnded && text.length >= 2,
                });
            });
        });
        // One-letter words (the t of x_t) match nearly everything; keep them only when alone.
        const real = units.filter(u => !(u.cls === 'word' && u.len < 2));
        return {units: real.length ? real : units, phrases};
    }

    // ---- Engine ----

    function decodePostings(s) {
        const out = [];
        let id = 0;
        if (s === '') {
            return out;
        }
        for (const part of s.split(',')) {
            id += parseInt(part, 36);
            out.push(id);
        }
        return out;
    }

    function countOf(hay, needle, cap) {
        let n = 0;
        let at = hay.indexOf(needle);
        while (at !== -1 && n < cap) {
            n++;
            at = hay.indexOf(needle, at + needle.length);
        }
        return n;
    }

    // "练习 3.8 先验…" → "先验…": numbering is not what a title is about.
    const NUMBERING = /^(练习|研究线索|第)?\s*[0-9.]+\s*(章)?\s*/;

    function Engine(data) {
        if (!data || data.v !== 1) {
            throw new Error('search-zh: unknown index format');
        }
        this.pages = data.pages.map((path, i) => ({
            path,
            title: data.page_titles[i],
            context: [data.page_titles[i], data.page_context[i]].filter(Boolean).join(' » '),
            docs: [],
        }));
        this.docs = data.docs.map(([page, anchor, title, body], id) => {
            const p = this.pages[page];
            p.docs.push(id);
            return {
                id,
                page,
                anchor,
                title,
                body,
                url: p.path + (anchor ? '#' + anchor : ''),
                crumbs: p.title === title || !title ? (title || p.title) : p.title + ' » ' + title,
            };
        });
        // Word terms (sorted, for prefix search), then the bigrams, expanded from their groups;
        // postings follow the same order.
        this.terms = data.terms === '' ? [] : data.terms.split('\n');
        this.termIds = new Map(this.terms.map((t, i) => [t, i]));
        let next = this.terms.length;
        for (const line of data.bigrams === '' ? [] : data.bigrams.split('\n')) {
            const [first, ...seconds] = [...line];
            for (const second of seconds) {
                this.termIds.set(first + second, next++);
            }
        }
        this.rawPostings = data.postings;
        this.postingCache = new Map();
        let total = 0;
        for (const d of this.docs) {
            total += d.body.length;
        }
        this.avgLen = this.docs.length ? total / this.docs.length : 1;
    }

    Engine.prototype.folded = function (doc) {
        if (doc.ftitle === undefined) {
            doc.ftitle = fold(doc.title);
            doc.fbody = fold(doc.body);
            doc.topic = Math.max(1, doc.ftitle.replace(NUMBERING, '').length);
        }
        return doc;
    };

    Engine.prototype.postings = function (termId) {
        let p = this.postingCache.get(termId);
        if (!p) {
            p = decodePostings(this.rawPostings[termId] || '');
            this.postingCache.set(termId, p);
        }
        return p;
    };

    Engine.prototype.docsWithTerm = function (term) {
        const id = this.termIds.get(term);
        return id === undefined ? [] : this.postings(id);
    };

    // Terms that start with `prefix`, by binary search (terms are in JavaScript string order).
    Engine.prototype.termsWithPrefix = function (prefix) {
        let lo = 0;
        let hi = this.terms.length;
        while (lo < hi) {
            const mid = (lo + hi) >> 1;
            if (this.terms[mid] < prefix) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        const out = [];
        for (let i = lo; i < this.terms.length && this.terms[i].startsWith(prefix); i++) {
            out.push(i);
        }
        return out;
    };

    // For one unit: Map doc id → {hit: matched string, strength 0..1, ctx: found only in the
    // page's title or chapter}.
    Engine.prototype.matchUnit = function (unit) {
        const found = this.matchInDocs(unit);
        for (const page of this.pages) {
            if (page.fcontext === undefined) {
                page.fcontext = fold(page.context);
            }
            const hit = matchInText(unit, page.fcontext);
            if (!hit) {
                continue;
            }
            for (const id of page.docs) {
                const m = found.get(id);
                if (!m || m.strength < hit.strength) {
                    found.set(id, {hit: hit.hit, strength: hit.strength, ctx: true});
                }
            }
        }
        return found;
    };

    // A unit in a short text (a page title and its chapters): the whole unit, a word the unit
    // begins, or, for CJK, most of it.
    function matchInText(unit, text) {
        if (unit.cls === 'word' && unit.len >= 2) {
            const words = runs(text).filter(r => r.cls === 'word').map(r => r.text);
            if (words.includes(unit.text)) {
                return {hit: unit.text, strength: 1};
            }
            const w = unit.prefix && words.find(x => x.startsWith(unit.text));
            return w ? {hit: w, strength: 0.8} : null;
        }
        if (unit.cls === 'cjk' && unit.len >= 2) {
            const chars = [...unit.text];
            const best = longestPresent(chars, chars.map(() => true), text, needed(chars.length));
            return best ? {hit: best, strength: [...best].length / chars.length} : null;
        }
        return text.includes(unit.text) ? {hit: unit.text, strength: 1} : null;
    }

    // A partial match must cover most of the unit, or 概率 would stand in for 概率流.
    function needed(len) {
        return len <= 3 ? len : Math.max(3, Math.ceil(len * 0.75));
    }

    Engine.prototype.matchInDocs = function (unit) {
        const found = new Map();
        if (unit.len < 2) {
            // Single characters are not indexed: scan the text.
            for (const doc of this.docs) {
                const d = this.folded(doc);
                if (d.fbody.includes(unit.text) || d.ftitle.includes(unit.text)) {
                    found.set(doc.id, {hit: unit.text, strength: 1});
                }
            }
            return found;
        }
        if (unit.cls === 'word') {
            for (const id of this.docsWithTerm(unit.text)) {
                found.set(id, {hit: unit.text, strength: 1});
            }
            if (unit.prefix) {
                for (const t of this.termsWithPrefix(unit.text)) {
                    for (const id of this.postings(t)) {
                        if (!found.has(id)) {
                            found.set(id, {hit: this.terms[t], strength: 0.8});
                        }
                    }
                }
            }
            return found;
        }
        // CJK: which of the unit's bigrams each document has, then the longest piece of the unit
        // that really occurs in it (bigrams can be present without being adjacent).
        const grams = bigrams(unit.text);
        const has = new Map();
        grams.forEach((g, i) => {
            for (const id of this.docsWithTerm(g)) {
                let bits = has.get(id);
                if (!bits) {
                    bits = new Array(grams.length).fill(false);
                    has.set(id, bits);
                }
                bits[i] = true;
            }
        });
        const chars = [...unit.text];
        const need = needed(chars.length);
        for (const [id, bits] of has) {
            const d = this.folded(this.docs[id]);
            const best = longestPresent(chars, bits, d.ftitle + '\u0000' + d.fbody, need);
            if (best) {
                found.set(id, {hit: best, strength: [...best].length / chars.length});
            }
        }
        return found;
    };

    // The longest substring of `chars` (at least `need` characters) whose bigrams are all in the
    // document (`bits`) and which occurs in `text`.
    function longestPresent(chars, bits, text, need) {
        for (let len = chars.length; len >= need; len--) {
            for (let start = 0; start + len <= chars.length; start++) {
                let ok = true;
                for (let g = start; g < start + len - 1; g++) {
                    if (!bits[g]) {
                        ok = false;
                        break;
                    }
                }
                if (!ok) {
                    continue;
                }
                const s = chars.slice(start, start + len).join('');
                if (text.includes(s)) {
                    return s;
                }
            }
        }
        return null;
    }

    // Rank documents for a query. Order: more query units matched, then more of them in the
    // title (a heading or card title hit beats a body hit), then a tf-idf score.
    Engine.prototype.search = function (query, limit) {
        const {units, phrases} = parseQuery(query);
        if (!units.length) {
            return [];
        }
        const n = this.docs.length;
        const perUnit = units.map(u => this.matchUnit(u));
        const byDoc = new Map();
        perUnit.forEach((found, ui) => {
            const idf = Math.log(1 + n / Math.max(1, found.size));
            for (const [id, m] of found) {
                let r = byDoc.get(id);
                if (!r) {
                    r = {id, matched: 0, titleHits: 0, score: 0, hits: []};
                    byDoc.set(id, r);
                }
                const d = this.folded(this.docs[id]);
                r.matched += 1;
                r.hits.push(m.hit);
                if (m.ctx) {
                    r.score += 0.5 * idf * m.strength;
                    continue;
                }
                const tf = countOf(d.fbody, m.hit, 50);
                const lenNorm = 1 + 0.5 * Math.log(1 + d.fbody.length / this.avgLen);
                r.score += idf * m.strength * (1 + Math.log(1 + tf)) / lenNorm;
                if (d.ftitle.includes(m.hit)) {
                    r.titleHits += 1;
                    // A short title that is mostly the query is the best landing place.
                    r.score += idf * m.strength * (2 + 6 * Math.min(1, m.hit.length / d.topic));
                }
            }
            units[ui].df = found.size;
        });
        for (const r of byDoc.values()) {
            const d = this.docs[r.id];
            for (const p of phrases) {
                if (d.fbody.includes(p) || d.ftitle.includes(p)) {
                    r.score += 2;
                    r.hits.push(p);
                }
            }
        }
        const results = [...byDoc.values()];
        results.sort((a, b) => b.matched - a.matched
            || b.titleHits - a.titleHits
            || b.score - a.score
            || a.id - b.id);
        return results.slice(0, limit || 30).map(r => {
            const d = this.docs[r.id];
            return {
                id: r.id,
                url: d.url,
                title: d.title,
                crumbs: d.crumbs,
                score: r.score,
                matched: r.matched,
                units: units.length,
                titleHits: r.titleHits,
                hits: [...new Set(r.hits)],
            };
        });
    };

    // ---- Snippets ----

    function escapeHtml(s) {
        return s.replace(/[&<>"']/g, c => ({
            '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', '\'': '&#39;',
        })[c]);
    }

    // Ranges [start, end) in `folded` covered by any of `hits`, merged.
    function hitRanges(folded, hits) {
        const ranges = [];
        for (const h of hits) {
            if (!h) {
                continue;
            }
            let at = folded.indexOf(h);
            while (at !== -1) {
                ranges.push([at, at + h.length, h]);
                at = folded.indexOf(h, at + h.length);
            }
        }
        ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
        const merged = [];
        for (const r of ranges) {
            const last = merged[merged.length - 1];
            if (last && r[0] <= last[1]) {
                last[1] = Math.max(last[1], r[1]);
                last[2].add(r[2]);
            } else {
                merged.push([r[0], r[1], new Set([r[2]])]);
            }
        }
        return merged;
    }

    // Don't cut a surrogate pair in half.
    function safeIndex(s, i) {
        if (i > 0 && i < s.length) {
            const c = s.charCodeAt(i);
            if (c >= 0xDC00 && c <= 0xDFFF) {
                return i - 1;
            }
        }
        return i;
    }

    // The window of `width` characters of the text that shows the most different hits (then the
    // most hits), with each hit in <em>, as HTML.
    Engine.prototype.snippet = function (id, hits, width) {
        const doc = this.folded(this.docs[id]);
        const w = width || 100;
        const body = doc.body;
        const ranges = hitRanges(doc.fbody, hits);
        let start = 0;
        if (ranges.length) {
            let best = -1;
            for (const r of ranges) {
                const s = Math.max(0, r[0] - Math.floor(w / 5));
                const inside = ranges.filter(x => x[0] >= s && x[1] <= s + w);
                const kinds = new Set();
                inside.forEach(x => x[2].forEach(h => kinds.add(h)));
                const value = kinds.size * 1000 + inside.length;
                if (value > best) {
                    best = value;
                    start = s;
                }
            }
        }
        start = safeIndex(body, start);
        const end = safeIndex(body, Math.min(body.length, start + w));
        let html = start > 0 ? '…' : '';
        let at = start;
        for (const r of ranges) {
            if (r[1] <= start || r[0] >= end) {
                continue;
            }
            const a = Math.max(r[0], start);
            const b = Math.min(r[1], end);
            html += escapeHtml(body.slice(at, a)) + '<em>' + escapeHtml(body.slice(a, b)) + '</em>';
            at = b;
        }
        html += escapeHtml(body.slice(at, end)) + (end < body.length ? '…' : '');
        return html;
    };

    // The title with hits in <em>, as HTML.
    Engine.prototype.titleHtml = function (id, hits) {
        const doc = this.folded(this.docs[id]);
        const text = doc.crumbs;
        const ranges = hitRanges(fold(text), hits);
        let html = '';
        let at = 0;
        for (const r of ranges) {
            html += escapeHtml(text.slice(at, r[0])) + '<em>' + escapeHtml(text.slice(r[0], r[1])) + '</em>';
            at = r[1];
        }
        return html + escapeHtml(text.slice(at));
    };

    // ---- mdBook glue ----

    function install(w) {
        const engine = new Engine(w.searchZhData);
        const limit = 30;
        let last = [];

        w.search = w.search || {};
        w.search.index = w.searchZhData;
        w.search.doc_urls = engine.docs.map(d => d.url);
        w.search.results_options = {limit_results: limit, teaser_word_count: 30};
        w.search.search_options = {};
        w.search.zh = engine;

        const searcher = {
            search(term) {
                last = engine.search(term, limit);
                // The searcher formats these itself; the observer below replaces what it wrote.
                return last.map(r => ({ref: String(r.id), score: r.score, doc: {body: '', breadcrumbs: ''}}));
            },
        };
        const elasticLoad = w.elasticlunr.Index.load;
        w.elasticlunr.Index.load = function (index) {
            return index === w.searchZhData ? searcher : elasticLoad.apply(this, arguments);
        };

        const list = w.document.getElementById('mdbook-searchresults');
        if (!list) {
            return;
        }
        new w.MutationObserver(() => {
            Array.from(list.children).forEach((li, i) => {
                const r = last[i];
                if (!r || li.dataset.zh) {
                    return;
                }
                li.dataset.zh = '1';
                const a = li.querySelector('a');
                const teaser = li.querySelector('.teaser');
                if (a) {
                    a.innerHTML = engine.titleHtml(r.id, r.hits);
                    // Mark what matched on the target page (mdBook splits ?highlight= on spaces).
                    const marks = r.hits.filter(h => !/\s/.test(h)).join(' ');
                    const href = a.getAttribute('href') || '';
                    const hash = href.indexOf('#');
                    const base = (hash === -1 ? href : href.slice(0, hash)).split('?')[0];
                    a.setAttribute('href', base + '?highlight=' + encodeURIComponent(marks).replace(/'/g, '%27')
                        + (hash === -1 ? '' : href.slice(hash)));
                }
                if (teaser) {
                    teaser.innerHTML = engine.snippet(r.id, r.hits, 100);
                }
            });
        }).observe(list, {childList: true});
    }

    const api = {fold, runs, terms, parseQuery, decodePostings, Engine};
    if (typeof module === 'object' && module && module.exports) {
        module.exports = api;
    } else if (root.document && root.elasticlunr && root.searchZhData) {
        install(root);
    }
})(typeof window !== 'undefined' ? window : globalThis);
