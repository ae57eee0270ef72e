// 扩散模型教程 — shared page behaviour (loaded on every page after mdBook's book.js).
// Dependency-free, no globals. What it does:
//   1. folding: a code block of FOLD_MIN_LINES lines or more goes into a <details class="fold"> with a
//      faded preview of its first lines above the 展开全部代码 bar;
//      answers and hints are <details> already (never `open` in the HTML);
//   2. a per-page 「展开全部答案 / 折叠全部」 toolbar, only on pages with exercises;
//   3. a link to an element inside a closed <details> opens it;
//   4. printing: every closed <details> is opened on `beforeprint` and closed again on `afterprint`;
//   5. copy-tex: copying a selection that contains rendered KaTeX puts its TeX source ($…$ / $$…$$)
//      on the clipboard as text/plain (the idea of KaTeX's copy-tex extension, written anew);
//   6. raw HTML tables are wrapped in a scrolling .table-wrapper (mdBook wraps only Markdown tables),
//      and scrolling boxes (tables, display math) fade at an edge that hides more;
//   7. the research-index tag filter (buttons from the tags present; without JS the full list shows).
(function () {
    'use strict';

    var FOLD_MIN_LINES = 26;   // code longer than ~25 lines is folded
    var PREVIEW_LINES = 10;    // lines visible above the fold

    var main = document.querySelector('#mdbook-content main') || document.querySelector('main');
    if (!main) { return; }

    function el(tag, attrs, text) {
        var e = document.createElement(tag);
        if (attrs) { Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); }); }
        if (text) { e.textContent = text; }
        return e;
    }
    function closestDetails(node) {
        return node && node.parentElement ? node.parentElement.closest('details') : null;
    }

    // ---- 1. long code blocks ------------------------------------------------------------
    function lineCount(pre) {
        var code = pre.querySelector('code') || pre;
        return code.textContent.replace(/\n+$/, '').split('\n').length;
    }
    function foldCode(pre) {
        var n = lineCount(pre);
        if (n < FOLD_MIN_LINES || pre.closest('.code-fold')) { return; }
        var wrap = el('div', { 'class': 'code-fold', 'data-lines': String(n) });
        var preview = pre.cloneNode(true);
        preview.classList.add('code-fold-preview');
        preview.setAttribute('aria-hidden', 'true');
        preview.removeAttribute('id');
        preview.style.setProperty('--preview-lines', String(PREVIEW_LINES));
        Array.prototype.forEach.call(preview.querySelectorAll('.buttons, [id]'), function (b) {
            if (b.classList.contains('buttons')) { b.remove(); } else { b.removeAttribute('id'); }
        });
        var details = el('details', { 'class': 'fold code-fold-details' });
        var summary = el('summary');
        summary.appendChild(el('span', { 'class': 'fold-label-closed' }, '展开全部代码（共 ' + n + ' 行）'));
        summary.appendChild(el('span', { 'class': 'fold-label-open' }, '折叠代码（共 ' + n + ' 行）'));
        pre.parentNode.insertBefore(wrap, pre);
        details.appendChild(summary);
        details.appendChild(pre);
        wrap.appendChild(preview);
        wrap.appendChild(details);
        preview.addEventListener('click', function () { details.open = true; });
        details.addEventListener('toggle', function () { wrap.classList.toggle('is-open', details.open); });
    }

    // ---- 6. raw tables scroll inside their own box ----------------------------------------
    //      Cells with a short text (numbers, symbols) never wrap; cells with long prose keep a minimum
    //      width, so a wide table scrolls instead of squeezing 「5.06e-3」 onto two lines.
    function textWidth(cell) {   // in half-ems: CJK and other wide characters count 2
        var t = cell.textContent;
        Array.prototype.forEach.call(cell.querySelectorAll('.katex-mathml'), function (m) {
            t = t.replace(m.textContent, '');
        });
        t = t.trim();
        return t.length + (t.match(/[\u1100-\uffdc]/g) || []).length;
    }
    function wrapTable(table) {
        var p = table.parentElement;
        if (!p || table.closest('.katex')) { return; }
        if (!p.classList.contains('table-wrapper')) {
            var w = el('div', { 'class': 'table-wrapper' });
            p.insertBefore(w, table);
            w.appendChild(table);
        }
        Array.prototype.forEach.call(table.querySelectorAll('td, th'), function (c) {
            var n = textWidth(c);
            if (n <= 16) { c.classList.add('cell-short'); } else if (n > 40) { c.classList.add('cell-long'); }
        });
    }

    // ---- 6b. a scrolling box (display math, table) fades at the edge that has more to show ----------
    var SCROLLERS = '.katex-display, .table-wrapper';
    function edge(box) {
        var max = box.scrollWidth - box.clientWidth;
        box.classList.toggle('scroll-left', max > 1 && box.scrollLeft > 1);
        box.classList.toggle('scroll-right', max > 1 && box.scrollLeft < max - 1);
    }
    function edges(root) {
        if (root.matches && root.matches(SCROLLERS)) { edge(root); }
        Array.prototype.forEach.call(root.querySelectorAll(SCROLLERS), edge);
    }

    // ---- 2. per-page answer toolbar (and 提示 1, 提示 2 … when an exercise has several hints) --------
    function numberHints(section) {
        var hints = section.querySelectorAll(':scope > details.hint > summary');
        if (hints.length < 2) { return; }
        Array.prototype.forEach.call(hints, function (s, i) {
            s.appendChild(document.createTextNode(' ' + (i + 1)));
        });
    }
    function setAll(selector, open) {
        Array.prototype.forEach.call(main.querySelectorAll(selector), function (d) { d.open = open; });
    }
    function addToolbar() {
        var first = main.querySelector('section.exercise');
        if (!first) { return; }
        var bar = el('div', { 'class': 'exercise-toolbar', role: 'group', 'aria-label': '参考答案与提示' });
        var expand = el('button', { type: 'button', 'class': 'ui-button', 'data-action': 'expand-answers' }, '展开全部答案');
        var collapse = el('button', { type: 'button', 'class': 'ui-button', 'data-action': 'collapse-answers' }, '折叠全部');
        var sel = 'section.exercise details.answer, section.exercise details.hint';
        expand.addEventListener('click', function () { setAll(sel, true); });
        collapse.addEventListener('click', function () { setAll(sel, false); });
        bar.appendChild(expand);
        bar.appendChild(collapse);
        first.parentNode.insertBefore(bar, first);
    }

    // ---- 3. open the <details> that hold a link target ---------------------------------------
    function revealHash() {
        var id;
        try { id = decodeURIComponent(location.hash.slice(1)); } catch (e) { return; }
        var target = id && document.getElementById(id);
        var reopened = false;
        for (var d = target && (target.tagName === 'DETAILS' ? target : closestDetails(target)); d; d = closestDetails(d)) {
            if (!d.open) { d.open = true; reopened = true; }
        }
        if (reopened) { target.scrollIntoView(); }
    }

    // ---- 4. print with everything unfolded ---------------------------------------------------
    var openedForPrint = [];
    window.addEventListener('beforeprint', function () {
        openedForPrint = Array.prototype.filter.call(document.querySelectorAll('details:not([open])'), function (d) {
            d.open = true;
            return true;
        });
        document.documentElement.classList.add('is-printing');
    });
    window.addEventListener('afterprint', function () {
        openedForPrint.forEach(function (d) { d.open = false; });
        openedForPrint = [];
        document.documentElement.classList.remove('is-printing');
    });

    // ---- 5. copy-tex ------------------------------------------------------------------------------
    var BLOCKS = /^(P|DIV|LI|UL|OL|H[1-6]|TR|TABLE|PRE|BLOCKQUOTE|SECTION|FIGURE|FIGCAPTION|DETAILS|SUMMARY|DL|DT|DD)$/;
    function texOf(katexEl) {
        var a = katexEl.querySelector('annotation[encoding="application/x-tex"]');
        return a ? a.textContent.trim() : null;
    }
    function plainText(node) {
        if (node.nodeType === 3) { return node.data; }
        if (node.nodeType !== 1 && node.nodeType !== 11) { return ''; }
        if (node.nodeType === 1) {
            var cls = node.classList;
            if (cls.contains('katex-display') || cls.contains('katex')) {
                var k = cls.contains('katex') ? node : node.querySelector('.katex');
                var tex = k && texOf(k);
                if (tex !== null && tex !== undefined) {
                    return cls.contains('katex-display') ? '\n$$' + tex + '$$\n' : '$' + tex + '$';
                }
            }
            if (node.tagName === 'BR') { return '\n'; }
            if (cls.contains('code-fold-preview') || cls.contains('buttons')) { return ''; }
        }
        var s = '';
        for (var c = node.firstChild; c; c = c.nextSibling) { s += plainText(c); }
        if (node.nodeType === 1) {
            if (node.tagName === 'TD' || node.tagName === 'TH') { s += '\t'; }
            else if (BLOCKS.test(node.tagName)) { s = '\n' + s + '\n'; }
        }
        return s;
    }
    function katexRoot(node) {
        var e = node && (node.nodeType === 1 ? node : node.parentElement);
        var k = e && e.closest('.katex');
        if (!k) { return null; }
        return k.parentElement && k.parentElement.classList.contains('katex-display') ? k.parentElement : k;
    }
    document.addEventListener('copy', function (event) {
        var sel = window.getSelection();
        if (!sel || sel.isCollapsed || sel.rangeCount === 0 || !event.clipboardData) { return; }
        var range = sel.getRangeAt(0).cloneRange();
        var startK = katexRoot(range.startContainer), endK = katexRoot(range.endContainer);
        if (startK) { range.setStartBefore(startK); }
        if (endK) { range.setEndAfter(endK); }
        var frag = range.cloneContents();
        if (!frag.querySelector('.katex')) { return; }   // nothing to do: keep the browser's own copy
        var holder = document.createElement('div');
        holder.appendChild(frag.cloneNode(true));
        var text = plainText(frag).replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
        event.clipboardData.setData('text/plain', text);
        event.clipboardData.setData('text/html', holder.innerHTML);
        event.preventDefault();
    });

    // ---- 7. research-index tag filter ------------------------------------------------------------
    function tagsOf(item) {
        return (item.getAttribute('data-tags') || '').split(',').map(function (t) { return t.trim(); })
            .filter(Boolean);
    }
    function buildTagFilter() {
        // Containers: any .research-index, else any list/table body holding ≥ 2 tagged rows or items.
        var items = Array.prototype.filter.call(main.querySelectorAll('li[data-tags], tr[data-tags]'), function (i) {
            return !i.closest('section.research-thread');
        });
        var groups = [];
        items.forEach(function (i) {
            var g = i.closest('.research-index') || i.parentElement;
            if (groups.indexOf(g) < 0) { groups.push(g); }
        });
        groups = groups.filter(function (g) {
            return g.classList.contains('research-index') || g.querySelectorAll('[data-tags]').length >= 2;
        });
        if (!groups.length) { return; }
        items = items.filter(function (i) {
            return groups.some(function (g) { return g.contains(i); });
        });
        var counts = {};
        items.forEach(function (i) { tagsOf(i).forEach(function (t) { counts[t] = (counts[t] || 0) + 1; }); });
        var tags = Object.keys(counts).sort();
        if (!tags.length) { return; }

        var bar = el('div', { 'class': 'tag-filter', role: 'group', 'aria-label': '按标签筛选研究线索' });
        bar.appendChild(el('span', { 'class': 'tag-filter-label' }, '按标签筛选：'));
        var status = el('span', { 'class': 'tag-filter-status', role: 'status', 'aria-live': 'polite' });
        var buttons = [];
        function button(tag, label) {
            var b = el('button', { type: 'button', 'class': 'ui-button tag-button', 'data-tag': tag, 'aria-pressed': 'false' }, label);
            b.addEventListener('click', function () { apply(b.getAttribute('aria-pressed') === 'true' ? '' : tag, true); });
            buttons.push(b);
            bar.appendChild(b);
        }
        button('', '全部（' + items.length + '）');
        tags.forEach(function (t) { button(t, t + '(' + counts[t] + ')'); });
        bar.appendChild(status);
        function boxOf(g) { return g.closest('.table-wrapper') || g; }
        function headingOf(box) {   // the h2–h6 right above a group (a list per chapter), if any
            var h = box.previousElementSibling;
            if (h && h.classList.contains('tag-filter')) { h = h.previousElementSibling; }
            return h && /^H[2-6]$/.test(h.tagName) ? h : null;
        }
        var anchor = boxOf(groups[0]);
        if (groups.length > 1 && headingOf(anchor)) { anchor = headingOf(anchor); }
        anchor.parentNode.insertBefore(bar, anchor);

        function apply(tag, updateUrl) {
            if (tag && !counts[tag]) { tag = ''; }
            var shown = 0;
            items.forEach(function (i) {
                var hit = !tag || tagsOf(i).indexOf(tag) >= 0;
                i.hidden = !hit;
                if (hit) { shown += 1; }
            });
            groups.forEach(function (g) {
                var any = Array.prototype.some.call(g.querySelectorAll('[data-tags]'), function (i) { return !i.hidden; });
                var box = boxOf(g);
                box.hidden = !any;
                var h = groups.length > 1 && headingOf(box);
                if (h) { h.hidden = !any; }
            });
            buttons.forEach(function (b) {
                b.setAttribute('aria-pressed', String(b.getAttribute('data-tag') === tag));
            });
            status.textContent = tag ? '显示 ' + shown + ' / ' + items.length + ' 条' : '';
            if (updateUrl && window.history && history.replaceState) {
                var url = new URL(location.href);
                if (tag) { url.searchParams.set('tag', tag); } else { url.searchParams.delete('tag'); }
                history.replaceState(history.state, '', url.toString());
            }
        }
        var initial = '';
        try { initial = new URL(location.href).searchParams.get('tag') || ''; } catch (e) { initial = ''; }
        apply(initial, false);
    }

    // ---- run ----------------------------------------------------------------------------------
    Array.prototype.forEach.call(main.querySelectorAll('table'), wrapTable);
    Array.prototype.forEach.call(main.querySelectorAll('pre'), foldCode);
    Array.prototype.forEach.call(main.querySelectorAll('section.exercise'), numberHints);
    addToolbar();
    buildTagFilter();
    revealHash();
    window.addEventListener('hashchange', revealHash);
    main.addEventListener('scroll', function (e) {
        if (e.target.matches && e.target.matches(SCROLLERS)) { edge(e.target); }
    }, true);
    document.addEventListener('toggle', function (e) { edges(e.target); }, true);
    if (window.ResizeObserver) { new ResizeObserver(function () { edges(main); }).observe(main); }
    else { window.addEventListener('resize', function () { edges(main); }); }
    if (document.fonts && document.fonts.ready) { document.fonts.ready.then(function () { edges(main); }); }
    edges(main);
    document.documentElement.classList.add('common-js');
}());
