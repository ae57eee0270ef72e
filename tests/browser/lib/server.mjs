// A static file server for a built book, on 127.0.0.1 and a free port, using only node:http.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

const TYPES = {
    '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8',
    '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
    '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.jpg': 'image/jpeg',
    '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp', '.ico': 'image/x-icon',
    '.woff': 'font/woff', '.woff2': 'font/woff2', '.ttf': 'font/ttf', '.otf': 'font/otf',
    '.txt': 'text/plain; charset=utf-8', '.xml': 'application/xml', '.wasm': 'application/wasm',
};

/** Serve `root`; resolves to { origin, close() }. */
export function serve(root) {
    const base = path.resolve(root);
    const server = http.createServer((req, res) => {
        let rel;
        try {
            rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
        } catch {
            res.writeHead(400).end();
            return;
        }
        let file = path.join(base, rel);
        if (!file.startsWith(base)) { res.writeHead(403).end(); return; }
        fs.stat(file, (err, st) => {
            if (!err && st.isDirectory()) { file = path.join(file, 'index.html'); }
            fs.readFile(file, (err2, data) => {
                if (err2) {
                    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
                    return;
                }
                res.writeHead(200, {
                    'content-type': TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream',
                    'cache-control': 'no-store',
                }).end(data);
            });
        });
    });
    return new Promise((resolve, reject) => {
        server.on('error', reject);
        server.listen(0, '127.0.0.1', () => {
            const { port } = server.address();
            resolve({
                origin: `http://127.0.0.1:${port}`,
                close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
            });
        });
    });
}
