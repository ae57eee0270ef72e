// What a search downloads, without a browser: load search-zh/index.js (manifest + engine) from a
// built book, run the browser test's queries through the engine's own loader (searchAsync, then
// the snippets it fetches after drawing the list), and sum the gzip -9 sizes of the files each
// query needs — once as pasted (the final query alone) and once as typed (every prefix the search
// box holds while typing, as the browser test types it). Also the engine's CPU time per query.
//
//   node scripts/search-size.mjs build/html
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const html = path.resolve(process.argv[2] || 'build/html');
const dir = path.join(html, 'search-zh');
const QUERIES = ['分数匹配', '扩散', '去噪', '变分下界', '概率流', 'DDPM', 'Fokker-Planck', 'classifier-free',
    'DDPM 的变分下界', 'L_simple', 'ELBO', '直接连乘'];

const files = fs.readdirSync(dir);
const gz = new Map();
const gzOf = f => {
    if (!gz.has(f)) {
        gz.set(f, zlib.gzipSync(fs.readFileSync(path.join(dir, f)), {level: 9}).length);
    }
    return gz.get(f);
};
const src = fs.readFileSync(path.join(dir, 'index.js'), 'utf8');
const head = src.match(/window\.searchZhData = (.*);\n/);
const manifest = JSON.parse(head[1]);
const mod = {exports: {}};
new Function('module', src.slice(src.indexOf(head[0]) + head[0].length))(mod);
const {Engine} = mod.exports;
const fileOf = key => files.find(f => f.startsWith(key + '.' + manifest.tag + '.'));
const data = key => {
    const s = fs.readFileSync(path.join(dir, fileOf(key)), 'utf8');
    return JSON.parse(s.slice(s.indexOf(',') + 1, s.lastIndexOf(')')));
};

// Queries as the search box holds them while typing: ASCII a key at a time, CJK a character at a
// time (as committed IME text).
const prefixes = q => [...q].map((_, i) => [...q].slice(0, i + 1).join('')).filter(s => s.trim());

async function run(queries) {
    const e = new Engine(manifest);
    const got = new Set();
    const load = async key => {
        got.add(key);
        e.addShard(key, data(key));
    };
    let cpu = 0;
    for (const q of queries) {
        const t = performance.now();
        let results;
        for (;;) {
            const p = e.plan(q, 30);
            if (p.results) {
                results = p.results;
                break;
            }
            for (const k of p.missing.shards.map(s => 'p' + s).concat(p.missing.texts.map(s => 't' + s))) {
                await load(k);
            }
        }
        cpu += performance.now() - t;
        for (const t2 of e.textsFor(results)) {
            await load('t' + t2);
        }
    }
    const bytes = gzOf('index.js') + [...got].reduce((n, k) => n + gzOf(fileOf(k)), 0);
    return {files: got.size + 1, bytes, cpu};
}

const kb = n => (n / 1024).toFixed(0) + ' KiB';
let worst = {bytes: 0};
const rows = [];
for (const q of QUERIES) {
    const pasted = await run([q]);
    const typed = await run(prefixes(q));
    rows.push(`  ${q}: pasted ${kb(pasted.bytes)} (${pasted.files} files; engine, shard parsing included: ${pasted.cpu.toFixed(0)} ms), `
        + `typed ${kb(typed.bytes)} (${typed.files} files)`);
    if (typed.bytes > worst.bytes) {
        worst = {...typed, q};
    }
}
console.log(`first query download, gzipped (pasted = the query alone; typed = every prefix while typing):`);
rows.forEach(r => console.log(r));
console.log(`first query, worst: ${kb(worst.bytes)} (${worst.q}, typed); limit 500 KiB: ${worst.bytes <= 500 * 1024 ? 'met' : 'NOT met'}`);
