/* guidekit handbook: theme, content warnings, decision walk-through, offline search.
   Plain JS, no libraries, no requests to other hosts. Text from guidance is only
   ever set with textContent, never parsed as HTML. */
(function () {
  "use strict";
  var doc = document;
  var root = doc.documentElement;

  function el(tag, cls, text) {
    var e = doc.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  // interface strings in the handbook's language, from the page's JSON block (see html.py)
  var messages = {};
  try { messages = JSON.parse(doc.getElementById("gk-messages").textContent) || {}; } catch (e) { messages = {}; }
  function t(key, vals) {
    return (messages[key] || key).replace(/%\((\w+)\)s/g, function (m, k) {
      return vals && k in vals ? String(vals[k]) : m;
    });
  }
  function store(kind) {
    try { return kind === "session" ? window.sessionStorage : window.localStorage; } catch (e) { return null; }
  }

  /* --- dark mode ------------------------------------------------------- */
  var themeButton = doc.querySelector(".theme");
  var local = store("local");
  var saved = local && local.getItem("gk-theme");
  if (saved === "dark" || saved === "light") root.setAttribute("data-theme", saved);
  function isDark() {
    var t = root.getAttribute("data-theme");
    if (t) return t === "dark";
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
  }
  function showTheme() { if (themeButton) themeButton.setAttribute("aria-pressed", isDark() ? "true" : "false"); }
  if (themeButton) {
    themeButton.addEventListener("click", function () {
      var next = isDark() ? "light" : "dark";
      root.setAttribute("data-theme", next);
      if (local) local.setItem("gk-theme", next);
      showTheme();
    });
    showTheme();
  }

  /* --- content warnings: what a reviewer revealed stays revealed this session --- */
  var session = store("session");
  var revealed = {};
  try { revealed = JSON.parse((session && session.getItem("gk-cw")) || "{}") || {}; } catch (e) { revealed = {}; }
  var toggles = Array.prototype.slice.call(doc.querySelectorAll(".cw[data-cw] > .cw-toggle"));
  var showAll = doc.querySelector(".cw-show-all");
  function keyOf(box) { return box.parentNode.getAttribute("data-cw"); }
  function remember() { if (session) session.setItem("gk-cw", JSON.stringify(revealed)); }
  function showAllState() {
    if (!showAll) return;
    var all = toggles.length > 0 && toggles.every(function (b) { return b.checked; });
    showAll.setAttribute("aria-pressed", all ? "true" : "false");
    showAll.textContent = t(all ? "hideAll" : "showAll");
  }
  toggles.forEach(function (box) {
    if (revealed[keyOf(box)]) box.checked = true;
    box.addEventListener("change", function () {
      if (box.checked) revealed[keyOf(box)] = 1; else delete revealed[keyOf(box)];
      remember();
      showAllState();
    });
  });
  if (showAll) {
    showAll.addEventListener("click", function () {
      var reveal = !toggles.every(function (b) { return b.checked; });
      toggles.forEach(function (box) {
        box.checked = reveal;
        if (reveal) revealed[keyOf(box)] = 1; else delete revealed[keyOf(box)];
      });
      remember();
      showAllState();
    });
    showAllState();
  }

  /* --- navigation: sidebar (from assets/nav.js), menu button, on-page contents, permalinks --- */
  var side = doc.getElementById("side");
  var here = (window.location.pathname.split("/").pop() || "index.html");
  if (side && window.GK_NAV) {
    window.GK_NAV.forEach(function (group) {
      var d = el("details");
      var holdsHere = false;
      d.appendChild(el("summary", null, group[0]));
      group[1].forEach(function (cat) {
        if (cat[0]) d.appendChild(el("h3", null, cat[0]));
        var ul = el("ul");
        cat[1].forEach(function (doc_) {
          var li = el("li"), a = el("a", null, doc_[2]);
          a.href = doc_[0];
          a.appendChild(doc.createTextNode(" "));
          a.appendChild(el("span", "sid", doc_[1]));
          if (doc_[0] === here) { a.setAttribute("aria-current", "page"); holdsHere = true; }
          li.appendChild(a);
          ul.appendChild(li);
        });
        d.appendChild(ul);
      });
      d.open = holdsHere || window.GK_NAV.length <= 3;
      side.appendChild(d);
    });
  }
  var menu = doc.querySelector(".menu");
  if (menu && side) {
    menu.addEventListener("click", function () {
      var open = menu.getAttribute("aria-expanded") !== "true";
      menu.setAttribute("aria-expanded", open ? "true" : "false");
      side.classList.toggle("open", open);
      if (open) { var first = side.querySelector("a, summary"); if (first) first.focus(); }
    });
    side.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape" && menu.getAttribute("aria-expanded") === "true") {
        menu.click();
        menu.focus();
      }
    });
  }
  var article = doc.querySelector("main article.doc");
  if (article && !doc.querySelector("main article.doc ~ article.doc")) {
    var heads = Array.prototype.slice.call(article.querySelectorAll("h2[id], article.rule"));
    if (heads.length > 1) {
      var nav = el("nav", "onpage");
      nav.setAttribute("aria-labelledby", "onpage-h");
      var h = el("h2", null, t("onPage"));
      h.id = "onpage-h";
      nav.appendChild(h);
      var ol = el("ol");
      heads.forEach(function (x) {
        var title = x.tagName === "H2" ? x : x.querySelector("h3");
        var li = el("li"), a = el("a", null, (title || x).textContent.trim());
        a.href = "#" + x.id;
        li.appendChild(a);
        ol.appendChild(li);
      });
      nav.appendChild(ol);
      var head = article.querySelector(":scope > header");
      article.insertBefore(nav, head ? head.nextSibling : article.firstChild);
    }
  }
  Array.prototype.forEach.call(doc.querySelectorAll("main h2[id], main article.rule > .rule-main > h3"), function (x) {
    var id = x.tagName === "H2" ? x.id : x.closest("article.rule").id;
    if (!id || x.id === "onpage-h") return;
    var a = el("a", "perma", "#");
    a.href = "#" + id;
    a.setAttribute("aria-label", t("permalink") + ": " + x.textContent.trim());
    x.appendChild(a);
  });

  /* --- decision walk-through --------------------------------------------- */
  function walkThrough(app) {
    var data;
    try { data = JSON.parse(doc.getElementById(app.getAttribute("data-tree")).textContent); } catch (e) { return; }
    var path = [];  // [{node, answer}]
    function focus(h) { h.setAttribute("tabindex", "-1"); h.focus(); }
    function draw(moveFocus) {
      app.textContent = "";
      if (path.length) {
        var trail = el("ol", "trail");
        path.forEach(function (step) {
          trail.appendChild(el("li", null, data.nodes[step.node].q + " — " + step.answer.label));
        });
        app.appendChild(trail);
      }
      var last = path[path.length - 1];
      var nodeId = last ? last.answer.next : data.start;
      var outcomeId = last ? last.answer.outcome : null;
      var heading;
      if (outcomeId) {
        var o = data.outcomes[outcomeId] || {title: outcomeId, actions: [], rules: []};
        var box = el("div", "result");
        heading = el("h3", "walk-outcome", t("outcome", {outcome: o.title}));
        box.appendChild(heading);
        if (o.actions.length) box.appendChild(el("p", "walk-actions", t("actions", {actions: o.actions.join("; ")})));
        if (o.rules.length) {
          var p = el("p", "walk-rules", t("rules") + " ");
          o.rules.forEach(function (r, i) {
            if (i) p.appendChild(doc.createTextNode(", "));
            if (r[1]) { var a = el("a", null, r[0]); a.href = r[1]; p.appendChild(a); }
            else p.appendChild(doc.createTextNode(r[0]));
          });
          box.appendChild(p);
        }
        if (o.escalation) box.appendChild(el("p", "walk-escalation", t("escalate", {team: o.escalation})));
        if (o.note) box.appendChild(el("p", "walk-note", o.note));
        app.appendChild(box);
      } else if (nodeId && data.nodes[nodeId] && path.length <= Object.keys(data.nodes).length) {  // longer only round a loop
        var n = data.nodes[nodeId];
        heading = el("h3", "walk-q", n.q);
        app.appendChild(heading);
        if (n.help) app.appendChild(el("p", "walk-help", n.help));
        var group = el("div", "answers");
        group.setAttribute("role", "group");
        group.setAttribute("aria-label", t("answers"));
        n.a.forEach(function (ans) {
          var b = el("button", null, ans.label);
          b.type = "button";
          b.addEventListener("click", function () { path.push({node: nodeId, answer: ans}); draw(true); });
          group.appendChild(b);
        });
        app.appendChild(group);
      } else {
        heading = el("h3", null, t("noOutcome"));
        app.appendChild(heading);
      }
      var nav = el("p", "walk-nav");
      if (path.length) {
        var back = el("button", "walk-back", t("back"));
        back.type = "button";
        back.addEventListener("click", function () { path.pop(); draw(true); });
        var again = el("button", "walk-restart", t("restart"));
        again.type = "button";
        again.addEventListener("click", function () { path = []; draw(true); });
        nav.appendChild(back);
        nav.appendChild(doc.createTextNode(" "));
        nav.appendChild(again);
        app.appendChild(nav);
      }
      if (moveFocus && heading) focus(heading);
    }
    draw(false);
  }
  Array.prototype.forEach.call(doc.querySelectorAll(".walk-app[data-tree]"), walkThrough);

  /* --- offline search ------------------------------------------------------ */
  var form = doc.querySelector("form.search");
  if (!form) return;
  var input = form.querySelector("input");
  var list = doc.getElementById("search-results");
  var status = doc.getElementById("search-status");
  // the index comes in chunks, each {e: [[href, title, what]], w: {word: "base-36 gaps"}}
  var chunks = null;
  var loading = false;
  var pending = [];

  function script(src, ok, fail) {
    var s = doc.createElement("script");
    s.src = src;
    s.onload = ok;
    s.onerror = fail;
    doc.head.appendChild(s);
  }

  function loadIndex(done) {
    if (chunks) { done(); return; }
    pending.push(done);
    if (loading) return;
    loading = true;
    var base = form.getAttribute("data-index");
    function failed() { loading = false; if (status) status.textContent = t("indexFailed"); }
    script(base + "chunks.js", function () {
      var count = window.GK_SEARCH_CHUNKS || 0, left = count;
      function ready() {
        chunks = (window.GK_SEARCH || []).map(function (c) { return {e: c.e, w: c.w, words: Object.keys(c.w), decoded: {}}; });
        pending.splice(0).forEach(function (f) { f(); });
      }
      if (!count) { ready(); return; }
      for (var i = 0; i < count; i++) {
        script(base + i + ".js", function () { if (--left === 0) ready(); }, failed);
      }
    }, failed);
  }

  function postings(chunk, word) {
    if (!chunk.decoded[word]) {
      var n = 0;
      chunk.decoded[word] = chunk.w[word].split(",").map(function (g) { n += parseInt(g, 36); return n; });
    }
    return chunk.decoded[word];
  }

  // the same folding and tokens as search.py: any script, case and diacritics folded,
  // CJK runs as overlapping character pairs (plus the last character)
  var TOKEN = /[\p{L}\p{N}]+(?:[.\-'’][\p{L}\p{N}]+)*/gu;
  var CJK = /[\u3005\u3006\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{2fa1f}]+/u;
  var CJK_RUNS = /([\u3005\u3006\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{2fa1f}]+)/u;
  var PART = /[.\-'’]/;
  function fold(s) {
    return s.normalize("NFKD").toLowerCase().replace(/ß/g, "ss").replace(/ς/g, "σ")
      .normalize("NFKD").replace(/\p{M}/gu, "");
  }
  function pairs(run) {
    var cs = Array.from(run), out = [];
    for (var i = 0; i + 1 < cs.length; i++) out.push(cs[i] + cs[i + 1]);
    return out.length ? out : [run];
  }

  function terms(q) {
    var out = [];
    (fold(q).match(TOKEN) || []).forEach(function (tok) {
      if (!CJK.test(tok)) { out.push(tok); return; }
      tok.split(CJK_RUNS).forEach(function (piece) {
        if (!piece) return;
        if (CJK.test(piece)) out.push.apply(out, pairs(piece));
        else piece.split(PART).forEach(function (p) { if (p) out.push(p); });
      });
    });
    return out.filter(function (t, i) { return out.indexOf(t) === i; });
  }

  // the words of a hit's text that the query matched, in context: up to two short windows,
  // the second one only for a query word the first does not show
  function snippet(text, ts) {
    var box = el("span", "snip");
    if (!text) return box;
    var hits = [], m, re = new RegExp(TOKEN.source, "gu");
    while ((m = re.exec(text))) {
      var tok = m[0], f = fold(tok);
      ts.forEach(function (t, ti) {
        if (CJK.test(tok)) {
          if (!CJK.test(t)) return;
          for (var at = tok.indexOf(t); at !== -1; at = tok.indexOf(t, at + 1)) {
            hits.push([m.index + at, m.index + at + t.length, ti]);
          }
        } else if (f.lastIndexOf(t, 0) === 0
                   || f.split(PART).some(function (p) { return p.lastIndexOf(t, 0) === 0; })) {
          hits.push([m.index, m.index + tok.length, ti]);
        }
      });
    }
    hits.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    var windows = [], shown = {};
    hits.forEach(function (h) {
      if (shown[h[2]] || windows.length >= 2) return;
      if (windows.some(function (w) { return h[0] >= w[0] && h[1] <= w[1]; })) { shown[h[2]] = 1; return; }
      var start = Math.max(0, h[0] - 40);
      if (start > 0) { var sp = text.indexOf(" ", start); if (sp !== -1 && sp < h[0]) start = sp + 1; }
      windows.push([start, Math.min(text.length, Math.max(h[1], start + (windows.length ? 90 : 150)))]);
      shown[h[2]] = 1;
    });
    if (!windows.length) windows.push([0, Math.min(text.length, 150)]);
    windows.sort(function (a, b) { return a[0] - b[0]; });
    var last = 0;
    windows.forEach(function (w) {
      var start = Math.max(w[0], last), end = w[1];
      if (start > last || (start > 0 && last === 0)) box.appendChild(doc.createTextNode("… "));
      var at = start;
      hits.forEach(function (h) {
        if (h[0] < at || h[1] > end) return;
        box.appendChild(doc.createTextNode(text.slice(at, h[0])));
        box.appendChild(el("mark", null, text.slice(h[0], h[1])));
        at = h[1];
      });
      box.appendChild(doc.createTextNode(text.slice(at, end)));
      last = end;
    });
    if (last < text.length) box.appendChild(doc.createTextNode(" …"));
    return box;
  }

  function searchChunk(chunk, ts, out) {
    var scores = null;
    ts.forEach(function (t) {
      var hit = {};
      chunk.words.forEach(function (w) {
        if (w.lastIndexOf(t, 0) !== 0) return;
        var exact = w === t ? 3 : 1;
        postings(chunk, w).forEach(function (n) { if ((hit[n] || 0) < exact) hit[n] = exact; });
      });
      var next = {};
      Object.keys(hit).forEach(function (n) {
        if (scores && !(n in scores)) return;
        var title = fold(chunk.e[n][1]);
        next[n] = (scores ? scores[n] : 0) + hit[n] + (title.indexOf(t) !== -1 ? 5 : 0);
      });
      scores = next;
    });
    Object.keys(scores).forEach(function (n) {
      var e = chunk.e[n];
      out.push({score: scores[n], href: e[0], title: e[1], sub: e[2], text: e[3] || ""});
    });
  }

  function search(q, ts) {
    if (!ts.length) return [];
    var out = [];
    chunks.forEach(function (c) { searchChunk(c, ts, out); });
    out.sort(function (a, b) { return b.score - a.score || (a.href < b.href ? -1 : a.href > b.href ? 1 : 0); });
    return out.slice(0, 30);
  }

  function show() {
    var q = input.value.trim();
    list.textContent = "";
    if (!q) { list.hidden = true; status.textContent = ""; return; }
    var ts = terms(q);
    var found = search(q, ts);
    if (!found.length) {
      list.appendChild(el("li", "none", t("noMatch", {query: q})));
    }
    found.forEach(function (e) {
      var li = el("li");
      var a = el("a", null, e.title);
      a.href = e.href;
      a.appendChild(el("span", "sub", e.sub));
      a.appendChild(snippet(e.text, ts));
      li.appendChild(a);
      list.appendChild(li);
    });
    list.hidden = false;
    status.textContent = t("results", {n: found.length});
  }

  input.addEventListener("focus", function () { loadIndex(function () {}); });
  input.addEventListener("input", function () { loadIndex(show); });
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    loadIndex(function () {
      show();
      var first = list.querySelector("a");
      if (first) window.location.href = first.href;
    });
  });
  form.addEventListener("keydown", function (ev) {
    var links = Array.prototype.slice.call(list.querySelectorAll("a"));
    var at = links.indexOf(doc.activeElement);
    if (ev.key === "ArrowDown" && links.length) {
      ev.preventDefault();
      links[Math.min(at + 1, links.length - 1)].focus();
    } else if (ev.key === "ArrowUp" && links.length) {
      ev.preventDefault();
      if (at <= 0) input.focus(); else links[at - 1].focus();
    } else if (ev.key === "Escape") {
      list.hidden = true;
      input.focus();
    }
  });
  doc.addEventListener("keydown", function (ev) {
    var t = ev.target;
    var typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.isContentEditable);
    if (ev.key === "/" && !typing) { ev.preventDefault(); input.focus(); }
  });
  doc.addEventListener("click", function (ev) {
    if (!form.contains(ev.target)) list.hidden = true;
  });
  var m = /[?&]q=([^&#]*)/.exec(window.location.search);
  if (m) {
    input.value = decodeURIComponent(m[1].replace(/\+/g, " "));
    loadIndex(show);
  }
})();
