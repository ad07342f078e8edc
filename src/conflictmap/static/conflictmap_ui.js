/* conflictmap page UI: canvas layers, time panel, legend/filters, search, tooltips, popups. */
(function () {
  "use strict";

  var G = window.conflictmapGlyphs, el = G.el, P = window.ConflictPage.prototype;

  /* ---------- canvas layers ---------- */

  var CanvasLayer = L.Layer.extend({
    initialize: function (paint, pane) { this._paint = paint; this._paneName = pane; },
    onAdd: function (map) {
      this._canvas = L.DomUtil.create("canvas", "cm-canvas leaflet-zoom-hide");
      map.getPane(this._paneName).appendChild(this._canvas);
      map.on("moveend zoomend resize viewreset", this.redraw, this);
      this.redraw();
    },
    onRemove: function (map) {
      L.DomUtil.remove(this._canvas);
      map.off("moveend zoomend resize viewreset", this.redraw, this);
    },
    redraw: function () {
      var map = this._map;
      if (!map) return;
      var size = map.getSize(), pad = size.multiplyBy(G.PAD).round();
      var topLeft = map.containerPointToLayerPoint(pad.multiplyBy(-1)).round();
      var w = size.x + 2 * pad.x, h = size.y + 2 * pad.y, ratio = window.devicePixelRatio || 1;
      var c = this._canvas;
      L.DomUtil.setPosition(c, topLeft);
      c.width = w * ratio; c.height = h * ratio; c.style.width = w + "px"; c.style.height = h + "px";
      var ctx = c.getContext("2d");
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      var scale = Math.pow(2, map.getZoom()), origin = map.getPixelOrigin();
      this._topLeft = topLeft;
      this._paint(ctx, w, h, scale, origin.x + topLeft.x, origin.y + topLeft.y);
    },
    toCanvas: function (containerPoint) {
      return this._map.containerPointToLayerPoint(containerPoint).subtract(this._topLeft);
    }
  });

  function basemapPainter(base, labelText) {
    var k = 1 / base.scale, countries = base.countries.map(function (c) {
      var rings = c.r.map(function (r) {
        var pts = new Float64Array(r.length), x = 0, y = 0;
        for (var i = 0; i < r.length; i += 2) {
          x += r[i]; y += r[i + 1];
          pts[i] = 256 * (x * k / 360 + 0.5);
          var s = Math.max(Math.min(Math.sin(y * k * Math.PI / 180), 0.9999), -0.9999);
          pts[i + 1] = 256 * (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI));
        }
        return pts;
      });
      var lx = 256 * (c.c[0] * k / 360 + 0.5), ls = Math.sin(c.c[1] * k * Math.PI / 180);
      var ly = 256 * (0.5 - Math.log((1 + ls) / (1 - ls)) / (4 * Math.PI));
      return { name: c.n, rings: rings, lx: lx, ly: ly };
    });
    return function (ctx, w, h, scale, ox, oy, zoom) {
      ctx.fillStyle = "#f4f2ec"; ctx.strokeStyle = "#a9a395"; ctx.lineWidth = 0.8;
      countries.forEach(function (c) {
        ctx.beginPath();
        c.rings.forEach(function (pts) {
          ctx.moveTo(pts[0] * scale - ox, pts[1] * scale - oy);
          for (var i = 2; i < pts.length; i += 2) ctx.lineTo(pts[i] * scale - ox, pts[i + 1] * scale - oy);
          ctx.closePath();
        });
        ctx.fill(); ctx.stroke();
      });
      if (zoom < 3) return;
      ctx.fillStyle = "#77705f"; ctx.font = "12px sans-serif"; ctx.textAlign = "center";
      countries.forEach(function (c) {
        var x = c.lx * scale - ox, y = c.ly * scale - oy;
        if (x > 0 && y > 0 && x < w && y < h) ctx.fillText(c.name, x, y);
      });
    };
  }

  /* ---------- controls ---------- */

  function control(position, build) {
    var C = L.Control.extend({
      onAdd: function () {
        var div = el("div", "cm-panel");
        build(div);
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
      }
    });
    return new C({ position: position });
  }

  function option(select, value, label, selected) {
    var o = el("option", null, label);
    o.value = value; o.selected = !!selected; select.appendChild(o);
  }

  P.buildTimePanel = function (div) {
    var ui = this.ui, self = this, D = this.D;
    div.classList.add("cm-time");
    var top = el("div", "cm-row");
    this.playBtn = el("button", "cm-play", "▶ " + ui.play);
    this.playBtn.type = "button";
    this.playBtn.addEventListener("click", function () { self.togglePlay(); });
    this.dateLabel = el("div", "cm-date");
    top.appendChild(this.playBtn); top.appendChild(this.dateLabel);
    var slider = this.slider = el("input", "cm-slider");
    slider.type = "range"; slider.min = String(D.d0); slider.max = String(Math.max(D.d1, D.d0));
    slider.step = "1"; slider.value = String(this.day);
    slider.setAttribute("aria-label", ui.date);
    slider.addEventListener("input", function () { self.setDay(Number(slider.value)); });
    var ends = el("div", "cm-ends");
    ends.appendChild(el("span", null, this.fmt.short(D.d0)));
    ends.appendChild(el("span", null, this.fmt.short(D.d1)));
    div.appendChild(top); div.appendChild(slider); div.appendChild(ends);
    div.appendChild(this.buildModeRow());
    this.countLabel = el("div", "cm-count");
    div.appendChild(this.countLabel);
  };

  P.buildModeRow = function () {
    var ui = this.ui, self = this, row = el("div", "cm-row cm-mode");
    [["events", ui.mode_events], ["control", ui.mode_control]].forEach(function (m) {
      var lab = el("label"), r = el("input");
      r.type = "radio"; r.name = "cm-mode"; r.value = m[0]; r.checked = self.mode === m[0];
      r.addEventListener("change", function () { if (r.checked) self.setMode(m[0]); });
      lab.appendChild(r); lab.appendChild(document.createTextNode(" " + m[1])); row.appendChild(lab);
    });
    var sel = this.winSelect = el("select", "cm-window");
    sel.setAttribute("aria-label", ui.window);
    [[0, ui.win_all], [1, ui.win_1], [7, ui.win_7], [30, ui.win_30], [90, ui.win_90]].forEach(
      function (o) { option(sel, o[0], o[1], o[0] === self.win); });
    sel.hidden = this.mode !== "events";
    sel.addEventListener("change", function () { self.win = Number(sel.value); self.recompute(); });
    row.appendChild(sel);
    row.appendChild(this.buildSinceSelect());
    return row;
  };

  /* Control mode: mark the towns that changed hands since the previous step or N days. */
  P.buildSinceSelect = function () {
    var ui = this.ui, self = this, sel = this.sinceSelect = el("select", "cm-since");
    sel.setAttribute("aria-label", ui.changed);
    sel.title = ui.changed;
    [[0, ui.since_step], [7, ui.since_7], [30, ui.since_30], [90, ui.since_90],
     [-1, ui.since_start]].forEach(function (o) { option(sel, o[0], o[1], o[0] === 0); });
    sel.hidden = this.mode !== "control";
    sel.addEventListener("change", function () {
      var v = Number(sel.value);
      self.since = v < 0 ? self.D.d1 - self.D.d0 + 1 : v;
      self.recompute();
    });
    return sel;
  };

  P.buildTitlePanel = function (div) {
    var ui = this.ui, self = this;
    div.classList.add("cm-title");
    div.appendChild(titleHeading(this.D.raw.title));
    var input = el("input", "cm-search"), list = el("datalist");
    input.type = "search"; input.placeholder = ui.search; input.setAttribute("aria-label", ui.search);
    list.id = "cm-places"; input.setAttribute("list", "cm-places");
    input.addEventListener("focus", function () { // fill the suggestions on first use
      if (list.childNodes.length) return;
      Array.from(new Set(self.D.pname)).sort().forEach(function (n) {
        var o = el("option"); o.value = n; list.appendChild(o);
      });
    });
    var msg = el("div", "cm-msg");
    var go = function () { msg.textContent = self.search(input.value) ? "" : ui.not_found; };
    input.addEventListener("change", go);
    input.addEventListener("keydown", function (e) { if (e.key === "Enter") go(); });
    div.appendChild(input); div.appendChild(list); div.appendChild(msg);
  };

  // The title, its dates ("2024-11-27") kept on one line: a narrow panel would break
  // them at a hyphen.
  function titleHeading(text) {
    var h = el("h1"), re = /\d{4}-\d{2}(?:-\d{2})?/g, last = 0, m;
    text = String(text || "");
    while ((m = re.exec(text)) !== null) {
      if (m.index > last) h.appendChild(document.createTextNode(text.slice(last, m.index)));
      h.appendChild(el("span", "cm-nowrap", m[0]));
      last = m.index + m[0].length;
    }
    if (last < text.length) h.appendChild(document.createTextNode(text.slice(last)));
    return h;
  }

  function checkRow(label, icon, on, filterId, onChange) {
    var lab = el("label", "cm-check"), box = el("input");
    box.type = "checkbox"; box.checked = on; box.dataset.filter = filterId;
    box.addEventListener("change", function () { onChange(box.checked ? 1 : 0); });
    lab.appendChild(box); if (icon) lab.appendChild(icon); lab.appendChild(el("span", null, label));
    return lab;
  }

  function section(parent, title) {
    var s = el("fieldset", "cm-section");
    s.appendChild(el("legend", null, title)); parent.appendChild(s); return s;
  }

  P.buildLegend = function (div) {
    var ui = this.ui, self = this, D = this.D;
    var det = el("details", "cm-legend"); det.open = window.innerWidth > 700;
    det.appendChild(el("summary", null, ui.legend)); div.appendChild(det);
    var sides = section(det, ui.sides);
    D.sideLabel.forEach(function (label, i) {
      var icon = G.swatch(function (c, x, y) { G.townDot(c, 1, D.sideColor[i], x, y, 6); });
      var id = i < D.raw.sides.id.length ? D.raw.sides.id[i] : "";
      sides.appendChild(checkRow(label, icon, true, "side:" + id, function (v) {
        self.sideOn[i] = v; self.recompute();
      }));
    });
    var changes = section(det, ui.changes);
    G.CHANGES.forEach(function (name, i) {
      var icon = G.swatch(function (c, x, y) { G.glyph(c, i, 0, "#666", x, y, 6); });
      changes.appendChild(checkRow(ui[name], icon, true, "change:" + name, function (v) {
        self.changeOn[i] = v; self.recompute();
      }));
    });
    var status = section(det, ui.status);
    G.STATUSES.forEach(function (name, i) {
      var icon = G.swatch(function (c, x, y) { G.glyph(c, 0, i, D.sideColor[0] || G.GREY, x, y, 6); });
      status.appendChild(checkRow(ui[name], icon, true, "status:" + name, function (v) {
        self.statusOn[i] = v; self.recompute();
      }));
    });
    this.buildConfidence(section(det, ui.confidence));
    this.buildStateLegend(section(det, ui.mode_control));
    det.appendChild(checkRow(ui.cluster, null, true, "cluster", function (v) {
      self.cluster = !!v; self.layer.redraw();
    }));
  };

  /* The confidence control: hide events below a chosen confidence (the lowest choice is
   * the --min-confidence the page was made with); uncertain reports are drawn faint. */
  P.buildConfidence = function (sec) {
    var ui = this.ui, self = this, sel = this.confSelect = el("select", "cm-confidence");
    sel.setAttribute("aria-label", ui.confidence); sel.dataset.filter = "confidence";
    var floor = this.minConf, seen = {};
    [floor, 50, 60, 70, 80, 90].forEach(function (v) {
      if (v < floor || seen[v]) return;
      seen[v] = 1;
      option(sel, v, v ? "\u2265 " + v + "%" : ui.conf_all, v === floor);
    });
    sel.addEventListener("change", function () { self.minConf = Number(sel.value); self.recompute(); });
    sec.appendChild(sel);
    var c0 = this.D.sideColor[0] || G.GREY, row = el("div", "cm-key");
    row.appendChild(G.swatch(function (c, x, y) { G.glyph(c, 0, 0, c0, x, y, 6, true); }));
    row.appendChild(el("span", null, ui.unsure)); sec.appendChild(row);
  };

  P.buildStateLegend = function (sec) {
    var ui = this.ui, c0 = this.D.sideColor[0] || G.GREY;
    var rows = [
      [ui.state_contested, function (c, x, y) { G.townDot(c, 2, c0, x, y, 6); }],
      [ui.state_lost + " …", function (c, x, y) { G.townDot(c, 3, c0, x, y, 6); }],
      [ui.state_uncertain, function (c, x, y) { G.uncertainDot(c, c0, x, y, 5.5); }],
      [ui.changed, function (c, x, y) { G.halo(c, x, y, 9); G.townDot(c, 1, c0, x, y, 5); }],
      [ui.region, function (c, x, y) { G.regionRing(c, c0, 0, x, y, 9); }]
    ];
    rows.forEach(function (r) {
      var row = el("div", "cm-key"); row.appendChild(G.swatch(r[1])); row.appendChild(el("span", null, r[0]));
      sec.appendChild(row);
    });
  };

  /* ---------- time ---------- */

  P.setDay = function (d) {
    d = Math.max(this.D.d0, Math.min(this.D.d1, d));
    this.prevDay = this.day; this.day = d;
    if (this.slider && Number(this.slider.value) !== d) this.slider.value = String(d);
    this.recompute();
  };

  P.playStep = function () { return Math.max(1, Math.round((this.D.d1 - this.D.d0) / 120)); };

  /* Entering control mode marks what changed over the last play step. */
  P.setMode = function (mode) {
    this.mode = mode; this.prevDay = Math.max(this.D.d0, this.day - this.playStep());
    if (this.winSelect) this.winSelect.hidden = mode !== "events";
    if (this.sinceSelect) this.sinceSelect.hidden = mode !== "control";
    this.recompute();
  };

  P.togglePlay = function () {
    var self = this, D = this.D, step = this.playStep();
    if (this.timer) {
      clearInterval(this.timer); this.timer = null;
      this.playBtn.textContent = "▶ " + this.ui.play; return;
    }
    if (this.day >= D.d1) this.setDay(D.d0);
    this.playBtn.textContent = "❚❚ " + this.ui.pause;
    this.timer = setInterval(function () {
      self.setDay(self.day + step);
      if (self.day >= D.d1) self.togglePlay();
    }, 220);
  };

  /* ---------- search, tooltip, popup ---------- */

  P.search = function (text) {
    // The shown name or the gazetteer's ("Cherson" or "Kherson"): exact, then a prefix,
    // then anywhere in the name.
    var q = G.fold(text || ""), D = this.D, best = -1, i, k;
    if (!q) return true;
    var tests = [function (n) { return n === q; }, function (n) { return n.indexOf(q) === 0; },
                 function (n) { return n.indexOf(q) >= 0; }];
    for (k = 0; k < tests.length && best < 0; k++) {
      for (i = 0; i < D.np && best < 0; i++) {
        if (tests[k](G.fold(D.pname[i])) || tests[k](G.fold(D.pquote[i]))) best = i;
      }
    }
    if (best < 0) return false;
    this.map.setView(this.latLng(best), Math.max(this.map.getZoom(), 9), { animate: false });
    this.openPopup(best);
    return true;
  };

  P.bindPointer = function () {
    var self = this, map = this.map, pending = null;
    this.tip = L.tooltip({ direction: "top", offset: [0, -8], className: "cm-tip" });
    map.on("mousemove", function (e) {
      pending = e.containerPoint;
      if (self.raf) return;
      self.raf = requestAnimationFrame(function () { self.raf = null; self.hover(pending); });
    });
    map.on("mouseout", function () { map.closeTooltip(self.tip); });
    map.on("click", function (e) {
      var hit = self.hitTest.apply(self, self.canvasXY(e.containerPoint));
      if (!hit) return;
      if (hit.cluster) self.zoomToCluster(hit.cluster);
      else self.openPopup(hit.place);
    });
  };

  P.canvasXY = function (cp) { var p = this.layer.toCanvas(cp); return [p.x, p.y]; };

  P.hover = function (cp) {
    var hit = this.hitTest.apply(this, this.canvasXY(cp)), c = this.container;
    c.classList.toggle("cm-pointer", !!hit);
    if (!hit) { this.map.closeTooltip(this.tip); return; }
    if (hit.cluster) {
      this.tip.setLatLng(this.map.containerPointToLatLng(cp)).setContent(
        el("span", null, hit.cluster.n + " · " + this.ui.cluster_hint));
    } else {
      this.tip.setLatLng(this.latLng(hit.place)).setContent(this.tooltipContent(hit.place));
    }
    this.map.openTooltip(this.tip);
  };

  /* Tooltip: the town's name, then its state (control mode) or its events shown. */
  P.tooltipContent = function (p) {
    var wrap = el("span"), shown = this.shownAt(p, this.day), extra;
    wrap.appendChild(el("span", "cm-tipname", this.D.pname[p]));
    if (this.mode === "control") extra = shown[0] >= 0 ? this.stateText(shown[0], shown[1]) : null;
    else extra = G.count(this.placeEvents(p).length, this.ui.event_shown, this.ui.events_shown);
    if (extra) wrap.appendChild(el("span", "cm-tipstate", " · " + extra));
    return wrap;
  };

  P.zoomToCluster = function (c) {
    var b = L.latLngBounds([]), self = this;
    c.members.forEach(function (k) { b.extend(self.latLng(self.iPlace[k])); });
    var z = Math.min(this.map.getBoundsZoom(b, false, [40, 40]), this.map.getZoom() + 3);
    this.map.setView(b.getCenter(), Math.max(z, this.map.getZoom() + 1));
  };

  P.actorText = function (a) {
    if (!a) return null;
    var D = this.D, s = D.raw.actors.s[a - 1];
    return D.aname[a - 1] + " (" + D.raw.sides.label[s] + ")";
  };

  /* "Held by X since 5 Dec 2024" ("since December 2024" for a month-dated report); for a
   * change under way (uncertain): "Held by X (uncertain: changed hands between 1 and 31 Dec
   * 2024)". */
  P.stateText = function (sp, uncertain) {
    var D = this.D, ui = this.ui, st = D.sState[sp], who = this.actorText(D.sHolder[sp]);
    var since = " " + ui.since + " " + G.period(this.fmt, D.sFrom[sp], D.sStart[sp]);
    if (uncertain) {
      since = " (" + ui.uncertain + " " + G.period(this.fmt, D.sFrom[sp], D.sStart[sp],
        ui.between) + ")";
    }
    if (st === 1) return ui.held_by + " " + (who || ui.no_side) + since;
    if (st === 2) return ui.state_contested + since;
    return ui.state_lost + " " + (who || ui.no_side) + since;
  };

  window.CanvasLayer = CanvasLayer;
  window.conflictmapControl = control;
  window.conflictmapBasemap = basemapPainter;
})();
