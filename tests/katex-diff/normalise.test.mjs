// The differential test's normalisation allows exactly its documented rules and nothing else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compare, parse } from './normalise.mjs';

const sp = (style) => `<span class="mspace" style="${style}"></span>`;

test('byte-identical is identical', () => {
    assert.equal(compare('<span class="a">x</span>', '<span class="a">x</span>').kind, 'identical');
});

test('attribute order is allowed', () => {
    const a = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1" width="1em"><path d="M0 0"/></svg>';
    const b = '<svg width="1em" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><path d="M0 0"/></svg>';
    assert.equal(compare(a, b).kind, 'attribute-order');
});

test('adjacent spacing spans may come in any order', () => {
    const a = `<span class="mpunct">,</span>${sp('margin-right:0.1667em;')}<span class="mspace"> </span><span>y</span>`;
    const b = `<span class="mpunct">,</span><span class="mspace"> </span>${sp('margin-right:0.1667em;')}<span>y</span>`;
    assert.equal(compare(a, b).kind, 'spacing-order');
});

test('spacing spans do not move across anything else', () => {
    const a = `${sp('margin-right:1em;')}<span>x</span>${sp('margin-right:2em;')}`;
    const b = `${sp('margin-right:2em;')}<span>x</span>${sp('margin-right:1em;')}`;
    assert.equal(compare(a, b).kind, 'different');
    // Nor does text between them.
    assert.equal(compare(`${sp('a:1')}x${sp('a:2')}`, `${sp('a:2')}x${sp('a:1')}`).kind, 'different');
});

test('class token order and -0 in path data are allowed, other numbers are not', () => {
    assert.equal(compare('<span class="mord mtight x">a</span>', '<span class="mord x mtight">a</span>').kind, 'class-or-path');
    assert.equal(compare('<path d="M0 0 v-0 h2"/>', '<path d="M0 0 v0 h2"/>').kind, 'class-or-path');
    assert.equal(compare('<path d="M0 0 v-0.5"/>', '<path d="M0 0 v0.5"/>').kind, 'different');
    assert.equal(compare('<span class="mord">a</span>', '<span class="mord mtight">a</span>').kind, 'different');
});

test('a lost style (katex-rs\'s unbraced \\sqrt) is a difference', () => {
    const a = '<span class="mord mathnormal" style="margin-right:0.0528em;">β</span>';
    const b = '<span class="mord mathnormal" style="margin-right:0.0528em;padding-left:0.833em;">β</span>';
    assert.equal(compare(a, b).kind, 'different');
});

test('malformed HTML is an error, not a pass', () => {
    assert.throws(() => parse('<span><b></span>'));
    assert.throws(() => parse('<span>'));
});
