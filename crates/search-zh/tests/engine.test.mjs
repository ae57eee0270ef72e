// Unit tests of the search engine (assets/search-zh.js) on fixed text: tokenizer parity with the
// Rust side, query parsing, ranking, snippets. Run: node --test crates/search-zh/tests/
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';

const here = new URL('.', import.meta.url);
const read = rel => fs.readFileSync(new URL(rel, here), 'utf8');

// The engine is a browser script; give it a `module` to export through (same realm, so its arrays
// compare equal to ours).
const mod = {exports: {}};
new Function('module', read('../assets/search-zh.js'))(mod);
const {terms, parseQuery, decodePostings, shardOf, Engine} = mod.exports;
const index = () => JSON.parse(read('fixtures/ranking-index.json'));
const engine = Engine.fromIndex(index());
const ids = (q, n) => engine.search(q).slice(0, n).map(r => r.id);

test('tokenizer agrees with the Rust tokenizer on the shared cases', () => {
    for (const c of JSON.parse(read('fixtures/tokenize-cases.json'))) {
        assert.deepEqual(terms(c.text), c.terms, c.text);
    }
});

test('postings decode from base-36 gaps and counts', () => {
    assert.deepEqual(decodePostings('0,1:3,b,10:0'), {ids: [0, 1, 12, 48], tfs: [1, 3, 1, 0]});
    assert.deepEqual(decodePostings(''), {ids: [], tfs: []});
});

test('shard numbers agree with the Rust side (FNV-1a over UTF-16 units)', () => {
    assert.equal(shardOf('', 7), 0x811c9dc5 % 7);
    // The same numbers as src/index.rs's test (words_sharing_a_prefix_share_a_shard).
    assert.deepEqual([shardOf('变分', 1000), shardOf('cl', 1000), shardOf('𠀀', 1000), shardOf('熵', 97)],
        [531, 754, 677, 75]);
    // Every term of the fixture is in the shard its key hashes to.
    const idx = index();
    idx.shards.forEach((s, n) => {
        for (const t of s.terms.split('\n').filter(Boolean)) {
            const key = /^[a-z0-9]{2}/.test(t) ? t.slice(0, 2) : t;
            assert.equal(shardOf(key, idx.manifest.shards), n, t);
        }
    });
});

test('query: particles at the edge of a Chinese run are dropped, the last word is a prefix', () => {
    const q = parseQuery('DDPM 的变分下界 classif');
    assert.deepEqual(q.units.map(u => u.text), ['ddpm', '变分下界', 'classif']);
    assert.deepEqual(q.units.map(u => u.prefix), [false, false, true]);
    assert.equal(parseQuery('classif ').units[0].prefix, false);
    // 目的 keeps its 的: stripping would leave one character.
    assert.deepEqual(parseQuery('目的').units.map(u => u.text), ['目的']);
    // One-letter words only count when they are all there is.
    assert.deepEqual(parseQuery('x_t 扩散').units.map(u => u.text), ['扩散']);
    assert.deepEqual(parseQuery('Fokker-Planck').phrases, ['fokker-planck']);
});

test('a title hit ranks above body hits', () => {
    assert.deepEqual(ids('变分下界', 3), [0, 1, 2]);
});

test('bigrams that are present but not adjacent do not match', () => {
    assert.ok(!ids('变分下界').includes(3));
});

test('more query terms matched ranks first; the chapter counts as context', () => {
    const r = engine.search('DDPM 的变分下界');
    assert.equal(r[0].id, 0, 'title 变分下界, DDPM from its chapter');
    assert.deepEqual(r.slice(0, 3).map(x => x.matched), [2, 2, 2]);
    assert.ok(r[0].hits.includes('变分下界') && r[0].hits.includes('ddpm'));
});

test('a phrase in order beats its words apart', () => {
    assert.deepEqual(ids('Fokker-Planck', 2), [4, 5]);
});

test('a partial Chinese run matches when it covers most of the query', () => {
    const r = engine.search('变分下界法');
    assert.equal(r[0].id, 0);
    assert.equal(r[0].hits[0], '变分下界');
    assert.deepEqual(ids('概率流'), []);
});

test('an unfinished English word finds its completions', () => {
    assert.deepEqual(ids('classif'), [5]);
    assert.deepEqual(ids('classif '), []);
});

test('a single character is found by scanning the text', () => {
    assert.deepEqual(ids('熵'), [4]);
});

test('snippet highlights the hits and escapes the text', () => {
    const s = engine.snippet(2, ['变分下界', 'ddpm'], 100);
    assert.match(s, /<em>DDPM<\/em>/);
    assert.match(s, /<em>变分下界<\/em>/);
    assert.match(s, /&lt;script&gt;/);
    assert.doesNotMatch(s, /<script>/);
});

test('snippet picks the window with the hits in a long text', () => {
    const e = Engine.fromIndex(index());
    e.docs[3].body = '前言。'.repeat(100) + '这里谈到去噪。' + '后记。'.repeat(100);
    e.docs[3].fbody = undefined;
    const s = e.snippet(3, ['去噪'], 40);
    assert.match(s, /^….*<em>去噪<\/em>.*…$/);
});

test('titles are highlighted too', () => {
    assert.equal(engine.titleHtml(0, ['变分下界']), '3.3 <em>变分下界</em>');
    assert.equal(engine.titleHtml(1, ['推导']), '3.3 变分下界 » 练习 3.9 <em>推导</em>');
});

test('fetching shards as needed gives the same results as having everything', async () => {
    const idx = index();
    const asked = [];
    const lazy = new Engine(idx.manifest);
    const load = async key => {
        asked.push(key);
        lazy.addShard(key, key[0] === 'p' ? idx.shards[Number(key.slice(1))] : idx.texts[Number(key.slice(1))]);
    };
    for (const q of ['变分下界', 'DDPM 的变分下界', 'Fokker-Planck', '变分下界法', 'classif', '熵', '概率流', '推导']) {
        const got = await lazy.searchAsync(q, 30, load);
        assert.deepEqual(got, engine.search(q), q);
    }
    assert.ok(asked.length > 0);
    assert.equal(new Set(asked).size, asked.length, 'no shard fetched twice');
});

test('a query needs only the posting shards of its terms', () => {
    const idx = index();
    const lazy = new Engine(idx.manifest);
    const p = lazy.plan('变分下界');
    assert.deepEqual(p.missing.texts, []);
    const want = new Set(['变分', '分下', '下界'].map(k => shardOf(k, idx.manifest.shards)));
    assert.deepEqual(new Set(p.missing.shards), want);
});
