// CSS colour parsing, alpha compositing and WCAG 2 contrast, for computed colours as Chromium reports
// them: rgb(), rgba(), color(srgb …). Anything else throws, so a check never passes silently.

/** Parse a computed colour into { r, g, b, a } with r, g, b in 0..255 and a in 0..1. */
export function parseColor(s) {
    const str = String(s).trim();
    if (str === 'transparent') { return { r: 0, g: 0, b: 0, a: 0 }; }
    let m = str.match(/^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)$/);
    if (m) {
        return { r: +m[1], g: +m[2], b: +m[3], a: alpha(m[4]) };
    }
    m = str.match(/^color\(srgb\s+([\d.e+-]+)\s+([\d.e+-]+)\s+([\d.e+-]+)(?:\s*\/\s*([\d.]+%?))?\s*\)$/);
    if (m) {
        return { r: 255 * +m[1], g: 255 * +m[2], b: 255 * +m[3], a: alpha(m[4]) };
    }
    throw new Error(`unsupported colour format: ${str}`);
}
function alpha(s) {
    if (s === undefined) { return 1; }
    return s.endsWith('%') ? parseFloat(s) / 100 : parseFloat(s);
}

/** Composite `top` over an opaque `bottom`. */
export function over(top, bottom) {
    const a = top.a;
    return {
        r: top.r * a + bottom.r * (1 - a),
        g: top.g * a + bottom.g * (1 - a),
        b: top.b * a + bottom.b * (1 - a),
        a: 1,
    };
}

/** Flatten a list of backgrounds, innermost first, over white: the colour a reader sees. */
export function flatten(layers) {
    let acc = { r: 255, g: 255, b: 255, a: 1 };
    for (let i = layers.length - 1; i >= 0; i -= 1) { acc = over(layers[i], acc); }
    return acc;
}

export function luminance({ r, g, b }) {
    const lin = (c) => {
        const s = c / 255;
        return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

export function contrast(c1, c2) {
    const [hi, lo] = [luminance(c1), luminance(c2)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
}

export function hex({ r, g, b }) {
    return '#' + [r, g, b].map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');
}
