/* conflictmap popups (built with createElement/textContent only) and page start-up. */
(function () {
  "use strict";

  var G = window.conflictmapGlyphs, el = G.el, P = window.ConflictPage.prototype;

  P.openPopup = function (p) {
    var D = this.D, ui = this.ui, box = el("div", "cm-popup");
    box.appendChild(el("h3", null, D.pname[p]));
    if (D.pregion[p]) box.appendChild(el("div", "cm-note", ui.region));
    if (D.pnear[p]) box.appendChild(el("div", "cm-note", ui.near));
    var shown = this.shownAt(p, this.day), sp = shown[0];
    box.appendChild(el("div", "cm-state", (sp >= 0 ? this.stateText(sp, shown[1]) : ui.no_state) +
      " (" + this.fmt.short(this.day) + ")"));
    this.appendHistory(box, p, this.mode === "control" ? 1 : 2);
    var list = this.placeEvents(p);
    for (var j = list.length - 1; j >= 0; j--) box.appendChild(this.eventBlock(list[j]));
    L.popup({ maxWidth: 420, minWidth: 260, maxHeight: 380, className: "cm-popupwrap" })
      .setLatLng(this.latLng(p)).setContent(box).openOn(this.map);
  };

  /* The events at place p that the current view shows (control mode: all up to the date). */
  P.placeEvents = function (p) {
    var D = this.D, s = D.byPlace.start, out = [];
    var lo = this.mode === "events" ? this.windowStart() : -2147483647;
    for (var k = s[p]; k < s[p + 1]; k++) {
      var i = D.byPlace.idx[k];
      if (this.eventVisible(i, lo, this.day)) out.push(i);
    }
    return out;
  };

  /* The place's control history up to the day (changes under way marked uncertain), when it
   * has at least ``least`` entries: in the events view an older change outside the date
   * range (Aleppo 2016 on a 2024 map) is still listed beside the newer one. */
  P.appendHistory = function (box, p, least) {
    var D = this.D, s = D.spansOf.start, ol = el("ol", "cm-history");
    for (var k = s[p]; k < s[p + 1]; k++) {
      var sp = D.spansOf.idx[k];
      if (D.sStart[sp] - D.maxWait > this.day) break;
      if (D.sStart[sp] <= this.day) ol.appendChild(el("li", null, this.stateText(sp)));
      else if (D.sFrom[sp] <= this.day) {
        ol.appendChild(el("li", "cm-uncertain", this.stateText(sp, 1)));
      }
    }
    if (ol.childNodes.length < least) return;
    box.appendChild(el("h4", null, this.ui.history));
    box.appendChild(ol);
  };

  P.intervalText = function (i) {
    var D = this.D, ui = this.ui, a = D.estart[i], b = D.eend[i];
    var when = a === b ? this.fmt.long(a) : G.period(this.fmt, a, b);
    return ui.interval + ": " + when + " (" + ui.precision + ": " + ui["prec_" + D.eprec[i]] + ")";
  };

  /* One event in a popup: head (symbol, change, status), date, actors, sources, then the
   * parts that P.eventParts adds (each function(page, i, block) appends to the block). */
  P.eventBlock = function (i) {
    var D = this.D, ui = this.ui, b = el("div", "cm-event"), head = el("div", "cm-evhead");
    var color = D.sideColor[D.eside[i]], ch = D.echange[i], st = D.estatus[i], self = this;
    var faint = D.econf[i] < G.UNSURE;
    head.appendChild(G.swatch(function (c, x, y) { G.glyph(c, ch, st, color, x, y, 6, faint); }));
    head.appendChild(el("strong", null, ui[G.CHANGES[ch]]));
    if (st) head.appendChild(el("span", "cm-badge cm-" + G.STATUSES[st], ui[G.STATUSES[st]]));
    b.appendChild(head);
    b.appendChild(el("div", "cm-when", this.intervalText(i)));
    b.appendChild(el("div", "cm-conf" + (faint ? " cm-unsure" : ""), ui.confidence_of + ": " +
      D.econf[i] + "%" + (faint ? " (" + ui.unsure_short + ")" : "")));
    var gain = this.actorText(D.ea[i]), loss = this.actorText(D.el[i]);
    if (gain) b.appendChild(el("div", null, ui.gained_by + ": " + gain));
    if (loss) b.appendChild(el("div", null, ui.lost_by + ": " + loss));
    b.appendChild(this.sourceList(i));
    P.eventParts.forEach(function (part) { part(self, i, b); });
    return b;
  };

  P.eventParts = [];

  /* The sources of event i, one item per distinct quote: a text that many articles carry
   * (the same wire copy) is shown once, with the count and its articles behind a toggle. */
  P.sourceList = function (i) {
    var D = this.D, ul = el("ul", "cm-sources"), groups = new Map(), s;
    for (s = D.soff[i]; s < D.soff[i + 1]; s++) {
      var q = D.srcQuote[s], g = groups.get(q);
      if (g) g.push(s); else groups.set(q, [s]);
    }
    var self = this;
    groups.forEach(function (sources) {
      if (sources.length === 1) { ul.appendChild(self.sourceItem(sources[0], i)); return; }
      var li = el("li"), det = el("details", "cm-same");
      li.appendChild(el("q", "cm-quote", self.quoteText(sources[0], i)));
      det.appendChild(el("summary", "cm-quote-count",
        self.ui.same_text.replace("{n}", String(sources.length))));
      sources.forEach(function (src) { det.appendChild(self.citation(src)); });
      li.appendChild(det);
      ul.appendChild(li);
    });
    return ul;
  };

  /* The quote of source s of event i, with the factored-out names put back. */
  P.quoteText = function (s, i) {
    var D = this.D, actors = D.raw.actors.n, q = D.raw.q[D.srcQuote[s]];
    if (q.charAt(0) === "\x00") return q.slice(1); // stored literally
    q = q.split("\x01").join(D.pquote[D.ep[i]]);
    if (D.ea[i]) q = q.split("\x02").join(actors[D.ea[i] - 1]);
    if (D.el[i]) q = q.split("\x03").join(actors[D.el[i] - 1]);
    return q;
  };

  P.sourceItem = function (s, i) {
    var li = el("li");
    li.appendChild(el("q", "cm-quote", this.quoteText(s, i)));
    li.appendChild(this.citation(s));
    return li;
  };

  /* "— title · name · published ..." of source s, its link checked (http/https only). */
  P.citation = function (s) {
    var D = this.D, art = D.raw.art, a = D.srcArt[s];
    var name = art.n[a], title = art.t[a], url = G.safeUrl(art.up[D.artPrefix[a]] + art.u[a]);
    var cite = el("div", "cm-cite"), label = title || name, link;
    if (url) {
      link = el("a", null, label);
      link.href = url; link.target = "_blank"; link.rel = "noopener noreferrer";
    } else link = el("span", null, label);
    cite.appendChild(document.createTextNode("— ")); cite.appendChild(link);
    if (title && name) cite.appendChild(el("span", "cm-artname", " · " + name));
    var pub = art.p[D.artPublished[a]];
    if (pub) cite.appendChild(el("span", "cm-pub", " · " + this.ui.published + " " + pub));
    return cite;
  };

  /* ---------- start-up ---------- */

  function readJson(id) {
    var node = id && document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function addBasemap(map, base, ui) {
    var paint = window.conflictmapBasemap(base);
    map.createPane("cm-base").style.zIndex = 150;
    new window.CanvasLayer(function (ctx, w, h, s, ox, oy) {
      paint(ctx, w, h, s, ox, oy, map.getZoom());
    }, "cm-base").addTo(map);
    map.getContainer().classList.add("cm-offline");
    map.attributionControl.addAttribution(ui.basemap.replace(/[<>&"]/g, ""));
  }

  function mark(name) { if (window.performance && performance.mark) performance.mark(name); }

  window.conflictmapInit = function (map, opts) {
    mark("cm-start");
    var D = window.conflictmapDecode(readJson(opts.dataId)), base = readJson(opts.basemapId);
    mark("cm-decoded");
    var page = new window.ConflictPage(map, D, opts), ctl = window.conflictmapControl;
    page.loadHash();
    map.setMinZoom(1);
    if (base && !isFinite(map.getMaxZoom())) map.setMaxZoom(13);
    ctl("topright", function (div) { page.buildTitlePanel(div); }).addTo(map);
    ctl("topright", function (div) { page.buildLegend(div); }).addTo(map);
    ctl("bottomleft", function (div) { page.buildTimePanel(div); }).addTo(map);
    mark("cm-controls");
    page.fitView();
    if (base) addBasemap(map, base, D.ui);
    mark("cm-basemap");
    page.recompute();
    mark("cm-filtered");
    map.createPane("cm-symbols").style.zIndex = 450;
    page.layer = new window.CanvasLayer(function (ctx, w, h, s, ox, oy) {
      page.draw(ctx, w, h, s, ox, oy);
    }, "cm-symbols").addTo(map);
    mark("cm-drawn");
    page.bindPointer();
    map.getContainer().dataset.ready = "1";
    window.conflictmap = page;
  };
})();
