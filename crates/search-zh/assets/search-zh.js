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
    //
    // The index comes in pieces (src/index.rs): the manifest (window.searchZhData: pages, and per
    // document its page, anchor, title and text length), posting shards (the terms whose key
    // hashes to the shard: a CJK bigram or single character is its own key, a word's key is its
    // first two characters) and text shards (the bodies of consecutive documents). A query first
    // needs the posting shards of its terms; ranking needs nothing else, except where the
    // postings cannot decide — whether a Chinese run of three or more characters really occurs
    // (its bigrams may be present but apart), whether a phrase occurs verbatim. There the postings
    // give an upper bound; the documents that rank first on it get their text fetched and are
    // ranked exactly, until the first `limit` are all exact. Those texts give the snippets too. A
    // phrase found verbatim (fokker-planck) adds to a result whose text is loaded: every result
    // shown, for a query with a phrase.

    const TF_CAP = 50;

    // How many results must have their text (snippets) before the list is drawn.
    const SNIPPETS_FIRST = 8;

    // Which shard a key goes to: FNV-1a over its UTF-16 units (src/index.rs shard_of).
    function shardOf(key, shards) {
        let h = 0x811c9dc5;
        for (let i = 0; i < key.length; i++) {
            h ^= key.charCodeAt(i);
            h = Math.imul(h, 0x01000193) >>> 0;
        }
        return h % Math.max(1, shards);
    }

    // "0,1:3,a" → ids [0, 1, 11] and counts [1, 3, 1].
    function decodePostings(s) {
        const ids = [];
        const tfs = [];
        let id = 0;
        if (s === '') {
            return {ids, tfs};
        }
        for (const part of s.split(',')) {
            const colon = part.indexOf(':');
            id += parseInt(colon === -1 ? part : part.slice(0, colon), 36);
            ids.push(id);
            tfs.push(colon === -1 ? 1 : parseInt(part.slice(colon + 1), 36));
        }
        return {ids, tfs};
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
        if (!data || data.v !== 2) {
            throw new Error('search-zh: unknown index format');
        }
        this.tag = data.tag;
        this.shardCount = data.shards;
        this.textStarts = data.texts;
        this.pages = data.pages.map((path, i) => ({
            path,
            title: data.page_titles[i],
            context: [data.page_titles[i], data.page_context[i]].filter(Boolean).join(' » '),
            docs: [],
        }));
        let total = 0;
        this.docs = data.docs.map(([page, anchor, title, len], id) => {
            const p = this.pages[page];
            p.docs.push(id);
            total += len;
            return {
                id,
                page,
                anchor,
                title,
                len,
                body: undefined,
                url: p.path + (anchor ? '#' + anchor : ''),
                crumbs: p.title === title || !title ? (title || p.title) : p.title + ' » ' + title,
            };
        });
        this.avgLen = this.docs.length ? total / this.docs.length : 1;
        this.shards = new Map();
    }

    // A shard arrived: 'p3' (postings) or 't7' (text).
    Engine.prototype.addShard = function (key, data) {
        const n = Number(key.slice(1));
        if (key[0] === 'p') {
            const terms = data.terms === '' ? [] : data.terms.split('\n');
            this.shards.set(n, {
                terms,
                ids: new Map(terms.map((t, i) => [t, i])),
                raw: data.postings,
                cache: new Map(),
            });
        } else if (key[0] === 't') {
            const start = this.textStarts[n];
            data.forEach((body, i) => {
                const d = this.docs[start + i];
                if (d && d.body === undefined) {
                    d.body = body;
                    d.fbody = undefined;
                }
            });
        }
    };

    // For tests and tools: an engine with everything loaded ({manifest, shards, texts}, as
    // src/index.rs builds it).
    Engine.fromIndex = function (index) {
        const e = new Engine(index.manifest);
        index.shards.forEach((s, n) => e.addShard('p' + n, s));
        index.texts.forEach((t, n) => e.addShard('t' + n, t));
        return e;
    };

    // The text shard holding document `id`.
    Engine.prototype.textShardOf = function (id) {
        let lo = 0;
        let hi = this.textStarts.length - 1;
        while (lo < hi) {
            const mid = (lo + hi + 1) >> 1;
            if (this.textStarts[mid] <= id) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    };

    Engine.prototype.folded = function (doc) {
        if (doc.ftitle === undefined) {
            doc.ftitle = fold(doc.title);
            doc.topic = Math.max(1, doc.ftitle.replace(NUMBERING, '').length);
        }
        if (doc.fbody === undefined && doc.body !== undefined) {
            doc.fbody = fold(doc.body);
        }
        return doc;
    };

    function keyOf(term) {
        const cs = [...term];
        return cs.length >= 2 && classOf(cs[0]) === 'word' ? cs[0] + cs[1] : term;
    }

    // The posting shards a unit needs.
    Engine.prototype.unitShards = function (unit) {
        const keys = unit.cls === 'cjk' && unit.len >= 2 ? bigrams(unit.text) : [keyOf(unit.text)];
        return keys.map(k => shardOf(k, this.shardCount));
    };

    // A term's postings ({ids, tfs}); the shard must be loaded.
    Engine.prototype.postings = function (term) {
        const shard = this.shards.get(shardOf(keyOf(term), this.shardCount));
        const i = shard && shard.ids.get(term);
        if (i === undefined) {
            return {ids: [], tfs: []};
        }
        let p = shard.cache.get(i);
        if (!p) {
            p = decodePostings(shard.raw[i]);
            shard.cache.set(i, p);
        }
        return p;
    };

    // Word terms that start with `prefix` (at least two characters, so they share its shard), by
    // binary search (terms are in JavaScript string order).
    Engine.prototype.termsWithPrefix = function (prefix) {
        const shard = this.shards.get(shardOf(keyOf(prefix), this.shardCount));
        if (!shard) {
            return [];
        }
        const terms = shard.terms;
        let lo = 0;
        let hi = terms.length;
        while (lo < hi) {
            const mid = (lo + hi) >> 1;
            if (terms[mid] < prefix) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        const out = [];
        for (let i = lo; i < terms.length && terms[i].startsWith(prefix); i++) {
            out.push(terms[i]);
        }
        return out;
    };

    // For one unit: {found: Map doc id → match, df}. A match is exact ({hit, strength, tf}) or,
    // when only the text could tell, a bound ({bound: true, strength, tf, inTitle, hitLen}: no
    // exact match can score more). `ctx`: found only in the page's title or chapter; `alt`: the
    // context match that applies if the bound's document turns out not to match.
    Engine.prototype.matchUnit = function (unit) {
        const {found, candidates} = this.matchInDocs(unit);
        for (const page of this.pages) {
            if (page.fcontext === undefined) {
                page.fcontext = fold(page.context);
            }
            const hit = matchInText(unit, page.fcontext);
            if (!hit) {
                continue;
            }
            const ctx = {hit: hit.hit, strength: hit.strength, ctx: true};
            for (const id of page.docs) {
                candidates.add(id);
                const m = found.get(id);
                if (!m || m.strength < hit.strength) {
                    found.set(id, ctx);
                } else if (m.bound) {
                    m.alt = ctx;
                }
            }
        }
        return {found, df: candidates.size};
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

    // Documents matching a unit (`found`), and every document that may (`candidates`, for the
    // idf: it must not depend on which texts happen to be loaded).
    Engine.prototype.matchInDocs = function (unit) {
        const found = new Map();
        const candidates = new Set();
        const add = (id, m) => {
            candidates.add(id);
            found.set(id, m);
        };
        if (unit.len < 2 || unit.cls === 'word') {
            // Single characters are indexed one by one, words whole.
            const p = this.postings(unit.text);
            p.ids.forEach((id, i) => add(id, {hit: unit.text, strength: 1, tf: p.tfs[i]}));
            if (unit.cls === 'word' && unit.len >= 2 && unit.prefix) {
                for (const t of this.termsWithPrefix(unit.text)) {
                    const q = this.postings(t);
                    q.ids.forEach((id, i) => {
                        if (!found.has(id)) {
                            add(id, {hit: t, strength: 0.8, tf: q.tfs[i]});
                        }
                    });
                }
            }
            return {found, candidates};
        }
        // CJK: which of the unit's bigrams each document has, then the longest piece of the unit
        // that really occurs in it (bigrams can be present without being adjacent).
        const grams = bigrams(unit.text);
        const has = new Map();
        grams.forEach((g, gi) => {
            const p = this.postings(g);
            p.ids.forEach((id, i) => {
                let h = has.get(id);
                if (!h) {
                    h = {bits: new Array(grams.length).fill(false), tfs: new Array(grams.length).fill(0)};
                    has.set(id, h);
                }
                h.bits[gi] = true;
                h.tfs[gi] = p.tfs[i];
            });
        });
        const chars = [...unit.text];
        const need = needed(chars.length);
        for (const [id, h] of has) {
            if (grams.length === 1) {
                add(id, {hit: unit.text, strength: 1, tf: h.tfs[0]});
                continue;
            }
            const longest = longestRun(h.bits) + 1;
            if (longest < need) {
                continue;
            }
            candidates.add(id);
            const d = this.folded(this.docs[id]);
            if (d.fbody !== undefined) {
                const best = longestPresent(chars, h.bits, d.ftitle + '\u0000' + d.fbody, need);
                if (best) {
                    found.set(id, {hit: best, strength: [...best].length / chars.length,
                        tf: countOf(d.fbody, best, TF_CAP)});
                }
                continue;
            }
            found.set(id, {
                bound: true,
                strength: longest / chars.length,
                tf: tfBound(h.tfs, need - 1),
                inTitle: longestPresent(chars, h.bits, d.ftitle, need) !== null,
                hitLen: unit.text.length,
            });
        }
        return {found, candidates};
    };

    // The most times any piece of the unit long enough to match can occur: a piece occurs no
    // more often than each of its bigrams, and the shortest pieces (`span` bigrams) bound all.
    function tfBound(tfs, span) {
        let best = 0;
        for (let i = 0; i + span <= tfs.length; i++) {
            best = Math.max(best, Math.min(...tfs.slice(i, i + span)));
        }
        return best;
    }

    function longestRun(bits) {
        let best = 0;
        let cur = 0;
        for (const b of bits) {
            cur = b ? cur + 1 : 0;
            best = Math.max(best, cur);
        }
        return best;
    }

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

    // What one unit's match adds to a document's rank: {title: 0|1, score}.
    Engine.prototype.contribution = function (d, m, idf) {
        if (m.ctx) {
            return {title: 0, score: 0.5 * idf * m.strength};
        }
        const lenNorm = 1 + 0.5 * Math.log(1 + d.len / this.avgLen);
        let score = idf * m.strength * (1 + Math.log(1 + m.tf)) / lenNorm;
        const inTitle = m.bound ? m.inTitle : d.ftitle.includes(m.hit);
        const hitLen = m.bound ? m.hitLen : m.hit.length;
        if (inTitle) {
            // A short title that is mostly the query is the best landing place.
            score += idf * m.strength * (2 + 6 * Math.min(1, hitLen / d.topic));
        }
        let c = {title: inTitle ? 1 : 0, score};
        if (m.alt) {
            const a = this.contribution(d, m.alt, idf);
            c = {title: Math.max(c.title, a.title), score: Math.max(c.score, a.score)};
        }
        return c;
    };

    // Rank documents for a query. Order: more query units matched, then more of them in the
    // title (a heading or card title hit beats a body hit), then a tf-idf score.
    //
    // Returns {results} when everything needed is loaded, else {missing: {shards, texts}}: the
    // posting and text shards to fetch before asking again (searchAsync does).
    Engine.prototype.plan = function (query, limit) {
        const {units, phrases} = parseQuery(query);
        const max = limit || 30;
        if (!units.length) {
            return {results: []};
        }
        const shards = new Set();
        for (const u of units) {
            for (const n of this.unitShards(u)) {
                if (!this.shards.has(n)) {
                    shards.add(n);
                }
            }
        }
        if (shards.size) {
            return {missing: {shards: [...shards], texts: []}};
        }
        const n = this.docs.length;
        const byDoc = new Map();
        units.forEach(unit => {
            const {found, df} = this.matchUnit(unit);
            const idf = Math.log(1 + n / Math.max(1, df));
            for (const [id, m] of found) {
                let r = byDoc.get(id);
                if (!r) {
                    r = {id, matched: 0, titleHits: 0, score: 0, hits: [], exact: true};
                    byDoc.set(id, r);
                }
                const d = this.folded(this.docs[id]);
                r.matched += 1;
                if (m.bound) {
                    r.exact = false;
                } else {
                    r.hits.push(m.hit);
                }
                const c = this.contribution(d, m, idf);
                r.titleHits += c.title;
                r.score += c.score;
            }
            unit.df = df;
        });
        for (const r of byDoc.values()) {
            const d = this.docs[r.id];
            // A phrase in the text counts once the text is loaded, which it is for every result
            // shown (below); the postings cannot tell, and assuming it everywhere would mean
            // fetching the text of every document that has the words.
            for (const p of phrases) {
                if (d.ftitle.includes(p) || (d.fbody !== undefined && d.fbody.includes(p))) {
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
        const top = results.slice(0, max);
        // Bounds must become exact; the first results need their text for snippets (the rest
        // get theirs after the list is drawn: textsFor).
        const texts = new Set();
        top.forEach((r, i) => {
            const first = i < SNIPPETS_FIRST || phrases.length > 0;
            if (!r.exact || (first && this.docs[r.id].body === undefined)) {
                texts.add(this.textShardOf(r.id));
            }
        });
        if (texts.size) {
            return {missing: {shards: [], texts: [...texts]}};
        }
        return {
            results: top.map(r => {
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
            }),
        };
    };

    // The text shards that results still lack (for their snippets).
    Engine.prototype.textsFor = function (results) {
        const out = new Set();
        for (const r of results) {
            if (this.docs[r.id].body === undefined) {
                out.add(this.textShardOf(r.id));
            }
        }
        return [...out];
    };

    // Synchronous search over what is loaded (everything, in tests: Engine.fromIndex).
    Engine.prototype.search = function (query, limit) {
        const p = this.plan(query, limit);
        if (!p.results) {
            throw new Error('search-zh: not loaded: ' + JSON.stringify(p.missing));
        }
        return p.results;
    };

    // Search, fetching shards as needed: `load(key)` ('p3', 't7') resolves once addShard has
    // been called for it. Each round fetches what the last one lacked; it ends because every
    // round loads the text of at least one document it had only a bound for. `alive()` false
    // (a newer query took over): stop fetching for this one, resolve to null.
    Engine.prototype.searchAsync = async function (query, limit, load, alive) {
        const asked = new Set();
        for (;;) {
            const p = this.plan(query, limit);
            if (p.results) {
                return p.results;
            }
            if (alive && !alive()) {
                return null;
            }
            const keys = p.missing.shards.map(s => 'p' + s).concat(p.missing.texts.map(t => 't' + t));
            for (const k of keys) {
                if (asked.has(k)) {
                    throw new Error('search-zh: shard ' + k + ' did not provide what the manifest says');
                }
                asked.add(k);
            }
            await Promise.all(keys.map(load));
        }
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
        const body = doc.body || '';
        const fbody = doc.fbody || '';
        const ranges = hitRanges(fbody, hits);
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

    // mdBook's wording (searcher.js formatSearchMetric), for the results we draw ourselves.
    function metric(count, term) {
        if (count === 1) {
            return count + ' search result for \'' + term + '\':';
        }
        if (count === 0) {
            return 'No search results for \'' + term + '\'.';
        }
        return count + ' search results for \'' + term + '\':';
    }

    function install(w) {
        const engine = new Engine(w.searchZhData);
        const limit = 30;
        const doc = w.document;
        let last = [];
        // The query whose shards are being fetched, if any.
        let pending = null;
        let teasers = 0;

        // Shards are scripts next to this one (script tags load from file:// too, fetch does
        // not); each calls searchZhShard(key, data).
        const self = doc.getElementById('mdbook-search-index');
        const base = self && self.src ? self.src.replace(/[^/]*$/, '') : 'search-zh/';
        const waiting = new Map();
        w.searchZhShard = function (key, data) {
            engine.addShard(key, data);
            const p = waiting.get(key);
            if (p) {
                p.resolve();
            }
        };
        const load = key => {
            let p = waiting.get(key);
            if (p) {
                return p.promise;
            }
            p = {};
            p.promise = new Promise((resolve, reject) => {
                p.resolve = resolve;
                const script = doc.createElement('script');
                script.src = base + key + '.' + engine.tag + '.js';
                script.onload = () => resolve();
                script.onerror = () => {
                    waiting.delete(key);
                    script.remove();
                    reject(new Error('search-zh: failed to load ' + script.src));
                };
                doc.head.append(script);
            });
            waiting.set(key, p);
            return p.promise;
        };

        w.search = w.search || {};
        w.search.index = w.searchZhData;
        w.search.doc_urls = engine.docs.map(d => d.url);
        w.search.results_options = {limit_results: limit, teaser_word_count: 30};
        w.search.search_options = {};
        w.search.zh = engine;
        w.search.zhLoad = load;

        const list = doc.getElementById('mdbook-searchresults');
        const header = doc.getElementById('mdbook-searchresults-header');
        const outer = doc.getElementById('mdbook-searchresults-outer');
        const barOuter = doc.getElementById('mdbook-searchbar-outer');
        const bar = doc.getElementById('mdbook-searchbar');
        const toRoot = typeof path_to_root === 'string' ? path_to_root : '';

        // Results that needed shards arrive after mdBook's searcher has drawn an empty list:
        // draw them as it would (same elements, ids and classes); the observer below then fills
        // in titles, snippets and links, as for the results it drew.
        function draw(term, results) {
            if (!list || !bar || bar.value.trim() !== term) {
                return;
            }
            // The first results stay when the rest arrive in the same order behind them.
            const keep = last.length <= results.length && list.children.length === last.length
                && last.every((r, i) => results[i].id === r.id) ? last.length : 0;
            last = results;
            if (header) {
                header.innerText = metric(results.length, term);
            }
            while (list.children.length > keep) {
                list.removeChild(list.lastChild);
            }
            for (const r of results.slice(keep)) {
                const [page, anchor] = r.url.split('#');
                teasers++;
                const li = doc.createElement('li');
                li.innerHTML = '<a href="' + escapeHtml(toRoot + page) + '?highlight=#' + escapeHtml(anchor || '')
                    + '" aria-details="mdbook-teaser_zh' + teasers + '"></a><span class="teaser" id="mdbook-teaser_zh'
                    + teasers + '" aria-label="Search Result Teaser"></span>';
                list.appendChild(li);
            }
            if (outer) {
                outer.classList.remove('hidden');
            }
            if (barOuter) {
                barOuter.classList.remove('searching');
            }
        }

        const searcher = {
            search(term) {
                const p = engine.plan(term, limit);
                if (p.results) {
                    pending = null;
                    last = p.results;
                    // The searcher formats these itself; the observer below replaces what it wrote.
                    return last.map(r => ({ref: String(r.id), score: r.score, doc: {body: '', breadcrumbs: ''}}));
                }
                pending = term;
                last = [];
                const alive = () => pending === term;
                // The first few results first (their rank is final once they are exact: nothing
                // below can outrank them), then the rest. Not with a phrase, whose bonus is known
                // only where the text is loaded (results further down may still rise).
                const firstMax = parseQuery(term).phrases.length ? limit : SNIPPETS_FIRST;
                engine.searchAsync(term, firstMax, load, alive).then(first => {
                    if (!first || !alive()) {
                        return null;
                    }
                    draw(term, first);
                    return engine.searchAsync(term, limit, load, alive);
                }).then(results => {
                    if (results && alive()) {
                        pending = null;
                        draw(term, results);
                    }
                }, err => {
                    if (pending === term) {
                        pending = null;
                        if (barOuter) {
                            barOuter.classList.remove('searching');
                        }
                    }
                    w.console.error(String(err));
                });
                // The searcher is about to say "No search results"; it is searching still.
                Promise.resolve().then(() => {
                    if (pending === term) {
                        if (header) {
                            header.innerText = 'Searching for \'' + term + '\'…';
                        }
                        if (barOuter) {
                            barOuter.classList.add('searching');
                        }
                    }
                });
                return [];
            },
        };
        const elasticLoad = w.elasticlunr.Index.load;
        w.elasticlunr.Index.load = function (index) {
            return index === w.searchZhData ? searcher : elasticLoad.apply(this, arguments);
        };

        if (!list) {
            return;
        }
        // Title, link and snippet of one result; a result whose text is not loaded yet gets its
        // snippet when it arrives (fillLater).
        function fill(li, r) {
            if (!li.dataset.zh) {
                li.dataset.zh = '1';
                const a = li.querySelector('a');
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
            }
            const teaser = li.querySelector('.teaser');
            if (teaser && !li.dataset.zhSnippet && engine.docs[r.id].body !== undefined) {
                li.dataset.zhSnippet = '1';
                teaser.innerHTML = engine.snippet(r.id, r.hits, 100);
            }
        }
        function fillAll() {
            Array.from(list.children).forEach((li, i) => {
                if (last[i]) {
                    fill(li, last[i]);
                }
            });
        }
        function fillLater(results) {
            const texts = engine.textsFor(results);
            if (texts.length) {
                Promise.all(texts.map(t => load('t' + t))).then(() => {
                    if (last === results) {
                        fillAll();
                    }
                }, err => w.console.error(String(err)));
            }
        }
        new w.MutationObserver(() => {
            fillAll();
            fillLater(last);
        }).observe(list, {childList: true});
    }

    const api = {fold, runs, terms, parseQuery, decodePostings, shardOf, keyOf, Engine};
    if (typeof module === 'object' && module && module.exports) {
        module.exports = api;
    } else if (root.document && root.elasticlunr && root.searchZhData) {
        install(root);
    }
})(typeof window !== 'undefined' ? window : globalThis);
