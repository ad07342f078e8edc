/* conflictmap page script: decodes the columnar data blob and draws every symbol on one
 * canvas. Data never reaches innerHTML: every text node is set with textContent and links
 * get an href only after their protocol is checked (http/https). */
(function () {
  "use strict";

  var DAY_MS = 86400000;
  var GREY = "#8a8a8a", AMBER = "#f2a900";
  var CHANGES = ["capture", "recapture", "withdrawal", "contested"];
  var STATUSES = ["reported", "claimed", "disputed"];
  var CLUSTER_CELL = 56, CLUSTER_MIN = 10, CLUSTER_MAX_ZOOM = 10, PAD = 0.15;
  var MAX_LABELS = 250;
  var UNSURE = 50; // events below this confidence (percent) are drawn faint
  var MIN_FRAME = 2.8; // degrees of latitude a fitted view shows at least

  /* ---------- decoding ---------- */

  function cumsum(a) {
    var out = new Int32Array(a.length), s = 0;
    for (var i = 0; i < a.length; i++) { s += a[i]; out[i] = s; }
    return out;
  }

  function mercX(lon) { return 256 * (lon / 360 + 0.5); }
  function mercY(lat) {
    var s = Math.max(Math.min(Math.sin(lat * Math.PI / 180), 0.9999), -0.9999);
    return 256 * (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI));
  }

  function decodePlaces(D, pl) {
    var np = pl.n.length, lat = cumsum(pl.y), lon = cumsum(pl.x);
    // pname: the names the page shows (pl.d: those the page's language writes otherwise);
    // pquote: the gazetteer's names, which the quotes hold
    D.np = np; D.pquote = pl.n; D.pname = pl.n.slice();
    (pl.d || []).forEach(function (e) { D.pname[e[0]] = e[1]; });
    D.plat = new Float64Array(np); D.plon = new Float64Array(np);
    D.px = new Float64Array(np); D.py = new Float64Array(np);
    D.pregion = new Uint8Array(np);
    for (var i = 0; i < np; i++) {
      D.plat[i] = lat[i] / 1e4; D.plon[i] = lon[i] / 1e4;
      D.px[i] = mercX(D.plon[i]); D.py[i] = mercY(D.plat[i]);
    }
    pl.r.forEach(function (i) { D.pregion[i] = 1; });
    // pnear: places the gazetteer lacks, drawn by the town the text ties them to
    D.pnear = new Uint8Array(np);
    (pl.a || []).forEach(function (i) { D.pnear[i] = 1; });
  }

  function decodeEvents(D, raw) {
    var ev = raw.ev, n = ev.p.length, ns = raw.sides.id.length;
    var actorSide = raw.actors.s;
    D.n = n; D.ep = cumsum(ev.p); D.eend = cumsum(ev.e);
    D.estart = new Int32Array(n); D.echange = new Uint8Array(n); D.estatus = new Uint8Array(n);
    D.eprec = new Uint8Array(n); D.eregion = new Uint8Array(n);
    D.ea = Int32Array.from(ev.a); D.el = Int32Array.from(ev.l);
    D.econf = ev.k ? Uint8Array.from(ev.k) : new Uint8Array(n).fill(50);
    D.eside = new Int32Array(n); D.soff = new Int32Array(n + 1);
    for (var i = 0; i < n; i++) {
      var c = ev.c[i] % 96;
      D.estart[i] = D.eend[i] - ev.w[i];
      D.echange[i] = c % 4; D.estatus[i] = Math.floor(c / 4) % 3;
      D.eprec[i] = Math.floor(c / 12) % 4 + 1; D.eregion[i] = c >= 48 ? 1 : 0;
      D.eside[i] = D.ea[i] ? actorSide[D.ea[i] - 1] : ns;
      D.soff[i + 1] = D.soff[i] + ev.n[i];
    }
    D.srcArt = cumsum(raw.src.a); D.srcQuote = cumsum(raw.src.q);
    D.artPrefix = cumsum(raw.art.ui); D.artPublished = cumsum(raw.art.pi);
    D.byPlace = groupBy(D.np, D.ep, n);
  }

  /* CSR index: for each key, the item indices in item order. */
  function groupBy(nkeys, keys, n) {
    var start = new Int32Array(nkeys + 1), fill, idx = new Int32Array(n), i;
    for (i = 0; i < n; i++) start[keys[i] + 1]++;
    for (i = 0; i < nkeys; i++) start[i + 1] += start[i];
    fill = start.slice(0, nkeys);
    for (i = 0; i < n; i++) idx[fill[keys[i]]++] = i;
    return { start: start, idx: idx };
  }

  /* Control spans: the extra ones (xs) first, then one per event that starts a span,
   * grouped by place in date order (events come sorted by date; only places with extra
   * spans need sorting). */
  function decodeSpans(D, raw) {
    var ev = raw.ev, xs = raw.xs, nx = xs.length, m = nx, i, j, k, ns = raw.sides.id.length;
    for (i = 0; i < D.n; i++) if (ev.c[i] >= 96) m++;
    var place = new Int32Array(m), start = new Int32Array(m), state = new Uint8Array(m);
    var holder = new Int32Array(m), evi = new Int32Array(m), hasX = new Uint8Array(D.np);
    var from = new Int32Array(m); // the first day the span's change may have happened
    for (j = 0; j < nx; j++) {
      place[j] = xs[j][0]; start[j] = xs[j][1]; state[j] = xs[j][2];
      holder[j] = xs[j][3]; evi[j] = xs[j][4]; hasX[xs[j][0]] = 1;
      from[j] = xs[j][1] - (xs[j][5] || 0);
    }
    for (i = 0, j = nx; i < D.n; i++) {
      k = Math.floor(ev.c[i] / 96);
      if (!k) continue;
      place[j] = D.ep[i]; start[j] = D.eend[i]; state[j] = k; from[j] = D.estart[i];
      holder[j] = k === 1 ? D.ea[i] : (k === 3 ? D.el[i] : 0); evi[j] = i + 1; j++;
    }
    D.sPlace = place; D.sStart = start; D.sState = state; D.sHolder = holder; D.sEv = evi;
    D.sFrom = from; D.maxWait = 0;
    for (j = 0; j < m; j++) D.maxWait = Math.max(D.maxWait, start[j] - from[j]);
    D.sSide = new Int32Array(m);
    for (j = 0; j < m; j++) D.sSide[j] = holder[j] ? raw.actors.s[holder[j] - 1] : ns;
    D.spansOf = groupBy(D.np, place, m);
    D.spanPlaces = [];
    for (i = 0; i < D.np; i++) {
      var a = D.spansOf.start[i], b = D.spansOf.start[i + 1];
      if (b > a) D.spanPlaces.push(i);
      if (hasX[i] && b - a > 1) sortSegment(D.spansOf.idx, a, b, start);
    }
  }

  function sortSegment(idx, a, b, start) {
    var seg = Array.from(idx.subarray(a, b));
    seg.sort(function (x, y) { return start[x] - start[y] || x - y; });
    idx.set(seg, a);
  }

  function decode(raw) {
    var D = { raw: raw, ui: raw.ui, d0: raw.d0, d1: raw.d1 };
    D.sideLabel = raw.sides.label.concat([raw.ui.no_side]);
    D.sideColor = raw.sides.color.concat([GREY]);
    decodePlaces(D, raw.places);
    // aname: the actor names the page shows (actors.d: those its language writes otherwise)
    D.aname = raw.actors.n.slice();
    (raw.actors.d || []).forEach(function (e) { D.aname[e[0]] = e[1]; });
    decodeEvents(D, raw);
    decodeSpans(D, raw);
    return D;
  }

  /* ---------- small helpers ---------- */

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function safeUrl(u) {
    if (typeof u !== "string" || !/^https?:\/\//i.test(u)) return null;
    try {
      var x = new URL(u);
      return (x.protocol === "http:" || x.protocol === "https:") ? x.href : null;
    } catch (e) { return null; }
  }

  function isoDay(d) { return new Date(d * DAY_MS).toISOString().slice(0, 10); }

  function makeDateFormats(lang) {
    var loc = lang === "nl" ? "nl-NL" : "en-GB";
    var opts = { timeZone: "UTC", day: "numeric", year: "numeric" };
    var long = new Intl.DateTimeFormat(loc, Object.assign({ month: "long" }, opts));
    var short = new Intl.DateTimeFormat(loc, Object.assign({ month: "short" }, opts));
    var month = new Intl.DateTimeFormat(loc, { timeZone: "UTC", month: "long", year: "numeric" });
    var dayMonth = new Intl.DateTimeFormat(loc, { timeZone: "UTC", day: "numeric", month: "short" });
    var f = function (fmt) { return function (d) { return fmt.format(new Date(d * DAY_MS)); }; };
    return { long: f(long), short: f(short), month: f(month), dayMonth: f(dayMonth) };
  }

  /* Days a..b written with the precision they have: "5 Dec 2024", "December 2024", "2024",
   * else "1–7 Dec 2024"; with ``between`` (a "{a}"/"{b}" pattern) always the first and last
   * day ("between 1 and 31 Dec 2024"). */
  function period(fmt, a, b, between) {
    if (a === b) return fmt.short(a);
    var x = new Date(a * DAY_MS), y = new Date((b + 1) * DAY_MS);
    var whole = !between && x.getUTCDate() === 1 && y.getUTCDate() === 1;
    var months = (y.getUTCFullYear() - x.getUTCFullYear()) * 12 + y.getUTCMonth() - x.getUTCMonth();
    if (whole && months === 1) return fmt.month(a);
    if (whole && months === 12 && x.getUTCMonth() === 0) return String(x.getUTCFullYear());
    var last = new Date(b * DAY_MS), first;
    if (x.getUTCFullYear() !== last.getUTCFullYear()) first = fmt.short(a);
    else if (x.getUTCMonth() !== last.getUTCMonth()) first = fmt.dayMonth(a);
    else first = String(x.getUTCDate());
    return between ? between.replace("{a}", first).replace("{b}", fmt.short(b))
      : first + "\u2013" + fmt.short(b);
  }

  /* "1 place shown", "2 places shown": n and the noun that agrees with it. */
  function count(n, one, many) { return n + " " + (n === 1 ? one : many); }

  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }

  /* ---------- glyphs ---------- */

  function path(ctx, change, x, y, r) {
    ctx.beginPath();
    if (change === 0) { // capture: triangle up
      ctx.moveTo(x, y - r * 1.15); ctx.lineTo(x + r, y + r * 0.75); ctx.lineTo(x - r, y + r * 0.75);
    } else if (change === 1) { // recapture: diamond
      ctx.moveTo(x, y - r * 1.2); ctx.lineTo(x + r, y); ctx.lineTo(x, y + r * 1.2); ctx.lineTo(x - r, y);
    } else if (change === 2) { // withdrawal: triangle down
      ctx.moveTo(x, y + r * 1.15); ctx.lineTo(x + r, y - r * 0.75); ctx.lineTo(x - r, y - r * 0.75);
    } else { // contested: four-point star
      var a = r * 1.25, b = r * 0.4;
      ctx.moveTo(x, y - a); ctx.lineTo(x + b, y - b); ctx.lineTo(x + a, y); ctx.lineTo(x + b, y + b);
      ctx.lineTo(x, y + a); ctx.lineTo(x - b, y + b); ctx.lineTo(x - a, y); ctx.lineTo(x - b, y - b);
    }
    ctx.closePath();
  }

  /* A change's symbol; ``faint``: an uncertain report (low confidence), drawn see-through. */
  function glyph(ctx, change, status, color, x, y, r, faint) {
    var alpha = faint ? 0.4 : 1;
    path(ctx, change, x, y, r);
    if (status === 0) {
      ctx.setLineDash([]); ctx.globalAlpha = alpha;
      ctx.fillStyle = color; ctx.fill();
      ctx.lineWidth = 1; ctx.strokeStyle = "#1d1d1d"; ctx.stroke();
      ctx.globalAlpha = 1;
    } else {
      ctx.globalAlpha = (status === 2 ? 0.55 : 1) * alpha;
      ctx.fillStyle = "rgba(255,255,255,0.85)"; ctx.fill();
      ctx.setLineDash([3, 2]); ctx.lineWidth = 2; ctx.strokeStyle = color; ctx.stroke();
      ctx.setLineDash([]); ctx.globalAlpha = 1;
    }
  }

  function regionRing(ctx, color, status, x, y, r) {
    ctx.beginPath(); ctx.arc(x, y, r, 0, 2 * Math.PI);
    ctx.globalAlpha = status === 2 ? 0.5 : 1;
    ctx.fillStyle = color; ctx.globalAlpha *= 0.12; ctx.fill();
    ctx.globalAlpha = status === 2 ? 0.5 : 1;
    ctx.setLineDash(status === 0 ? [6, 4] : [2, 4]);
    ctx.lineWidth = 2; ctx.strokeStyle = color; ctx.stroke();
    ctx.setLineDash([]); ctx.globalAlpha = 1;
  }

  function townDot(ctx, state, color, x, y, r) {
    ctx.beginPath(); ctx.arc(x, y, r, 0, 2 * Math.PI);
    if (state === 1) {
      ctx.fillStyle = color; ctx.fill(); ctx.lineWidth = 1.2; ctx.strokeStyle = "#1d1d1d"; ctx.stroke();
    } else if (state === 2) {
      ctx.fillStyle = AMBER; ctx.fill(); ctx.lineWidth = 1.2; ctx.strokeStyle = "#1d1d1d"; ctx.stroke();
      ctx.beginPath(); ctx.moveTo(x - r * 0.6, y - r * 0.6); ctx.lineTo(x + r * 0.6, y + r * 0.6);
      ctx.moveTo(x + r * 0.6, y - r * 0.6); ctx.lineTo(x - r * 0.6, y + r * 0.6); ctx.stroke();
    } else {
      ctx.fillStyle = "#fff"; ctx.fill(); ctx.setLineDash([2, 2]); ctx.lineWidth = 2;
      ctx.strokeStyle = color; ctx.stroke(); ctx.setLineDash([]);
    }
  }

  /* A change under way (its interval has begun, not ended): hatched in the new holder's
   * colour, dashed rim. */
  function uncertainDot(ctx, color, x, y, r) {
    ctx.save();
    ctx.beginPath(); ctx.arc(x, y, r + 1, 0, 2 * Math.PI);
    ctx.fillStyle = "rgba(255,255,255,0.9)"; ctx.fill(); ctx.clip();
    ctx.strokeStyle = color; ctx.lineWidth = 1.6; ctx.beginPath();
    for (var o = -2 * r; o <= 2 * r; o += 3.2) {
      ctx.moveTo(x + o - r - 2, y + r + 2); ctx.lineTo(x + o + r + 2, y - r - 2);
    }
    ctx.stroke(); ctx.restore();
    ctx.beginPath(); ctx.arc(x, y, r + 1, 0, 2 * Math.PI);
    ctx.setLineDash([2, 2]); ctx.lineWidth = 1.5; ctx.strokeStyle = color; ctx.stroke();
    ctx.setLineDash([]);
  }

  function halo(ctx, x, y, r) {
    ctx.beginPath(); ctx.arc(x, y, r, 0, 2 * Math.PI);
    ctx.fillStyle = "rgba(255,214,0,0.55)"; ctx.fill();
    ctx.lineWidth = 2; ctx.strokeStyle = "#111"; ctx.stroke();
  }

  function swatch(drawFn) {
    var c = el("canvas", "cm-swatch"), ratio = window.devicePixelRatio || 1;
    c.width = 22 * ratio; c.height = 22 * ratio;
    var ctx = c.getContext("2d"); ctx.scale(ratio, ratio); drawFn(ctx, 11, 11);
    return c;
  }

  /* ---------- the page ---------- */

  function ConflictPage(map, D, opts) {
    this.map = map; this.D = D; this.ui = D.ui; this.fmt = makeDateFormats(D.raw.lang);
    this.day = D.d1; this.prevDay = D.d1; this.mode = "events"; this.win = 0;
    this.since = 0; // control mode marks changes since: 0 the previous step, else N days
    this.sideOn = new Uint8Array(D.sideLabel.length).fill(1);
    this.changeOn = [1, 1, 1, 1]; this.statusOn = [1, 1, 1];
    this.minConf = D.raw.mc || 0; // percent: events below it are hidden (the page's control)
    this.cluster = true; this.items = new Int32Array(0); this.haloOf = new Uint8Array(0);
    this.hits = null; this.container = map.getContainer();
    this.container.dataset.eventsTotal = String(D.n);
  }

  var P = ConflictPage.prototype;

  /* Index of the span in force for place p on day d, skipping filtered-out reports; -1 if none. */
  P.spanAt = function (p, d) {
    var D = this.D, s = D.spansOf.start, idx = D.spansOf.idx, lo = s[p], hi = s[p + 1] - 1, k = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (D.sStart[idx[mid]] <= d) { k = mid; lo = mid + 1; } else hi = mid - 1;
    }
    for (; k >= s[p]; k--) if (this.spanReported(idx[k])) return idx[k];
    return -1;
  };

  /* Whether span sp's report passes the reporting filters (spans of no drawn event do). */
  P.spanReported = function (sp) {
    var e = this.D.sEv[sp] - 1;
    return e < 0 || (this.statusOn[this.D.estatus[e]] === 1 && this.D.econf[e] >= this.minConf);
  };

  /* A change at place p whose interval has begun by day d but not ended: the first such
   * span, or -1. */
  P.pendingAt = function (p, d) {
    var D = this.D, s = D.spansOf.start, idx = D.spansOf.idx, lo = s[p], hi = s[p + 1] - 1;
    var k = s[p + 1];
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (D.sStart[idx[mid]] > d) { k = mid; hi = mid - 1; } else lo = mid + 1;
    }
    for (; k < s[p + 1]; k++) {
      var sp = idx[k];
      if (D.sStart[sp] - D.maxWait > d) break;
      if (D.sFrom[sp] <= d && this.spanReported(sp)) return sp;
    }
    return -1;
  };

  /* What the map shows at place p on day d: [span, 1] for a change under way (its date
   * uncertain), else [the span in force, 0]; [-1, 0] when nothing is known. */
  P.shownAt = function (p, d) {
    var pending = this.pendingAt(p, d);
    return pending >= 0 ? [pending, 1] : [this.spanAt(p, d), 0];
  };

  P.spanVisible = function (sp) {
    var st = this.D.sState[sp];
    return st === 2 ? this.changeOn[3] === 1 : this.sideOn[this.D.sSide[sp]] === 1;
  };

  P.eventVisible = function (i, lo, hi) {
    var D = this.D;
    return D.estart[i] <= hi && D.eend[i] >= lo && this.changeOn[D.echange[i]] === 1 &&
      this.statusOn[D.estatus[i]] === 1 && this.sideOn[D.eside[i]] === 1 &&
      D.econf[i] >= this.minConf;
  };

  /* The day control is compared with to mark towns that changed hands. */
  P.compareDay = function () {
    return this.since ? Math.max(this.D.d0 - 1, this.day - this.since) : this.prevDay;
  };

  P.windowStart = function () { return this.win ? this.day - this.win + 1 : -2147483647; };

  P.recompute = function () {
    var D = this.D, out = [], halos = [], unsure = [], i;
    if (this.mode === "events") {
      var lo = this.windowStart(), hi = this.day;
      for (i = 0; i < D.n; i++) if (this.eventVisible(i, lo, hi)) out.push(i);
    } else {
      for (var j = 0; j < D.spanPlaces.length; j++) {
        var p = D.spanPlaces[j], shown = this.shownAt(p, this.day), sp = shown[0];
        if (sp < 0 || !this.spanVisible(sp)) continue;
        // the halo marks a settled change of hands, not one under way
        var now = shown[1] ? this.spanAt(p, this.day) : sp;
        var prev = this.compareDay() === this.day ? now : this.spanAt(p, this.compareDay());
        out.push(sp); unsure.push(shown[1]);
        halos.push(!shown[1] && prev !== sp && (prev < 0 || D.sState[prev] !== D.sState[sp] ||
          D.sSide[prev] !== D.sSide[sp]) ? 1 : 0);
      }
    }
    this.items = Int32Array.from(out); this.haloOf = Uint8Array.from(halos);
    this.uncertainOf = Uint8Array.from(unsure);
    this.computeStyles();
    this.updateStatus();
    if (this.layer) this.layer.redraw();
  };

  /* Per drawn item: its place, colour (side index; -1 amber), region flag, and a key that
   * merges identical symbols at one place. */
  P.computeStyles = function () {
    var D = this.D, n = this.items.length, k, i;
    var place = new Int32Array(n), side = new Int32Array(n), key = new Int32Array(n);
    var region = new Uint8Array(n);
    if (this.mode === "events") {
      for (k = 0; k < n; k++) {
        i = this.items[k]; place[k] = D.ep[i]; side[k] = D.eside[i];
        region[k] = D.eregion[i] || D.pregion[D.ep[i]];
        key[k] = D.echange[i] * 3 + D.estatus[i] + 12 * D.eside[i] +
          (D.econf[i] < UNSURE ? 6 : 0);
      }
    } else {
      for (k = 0; k < n; k++) {
        i = this.items[k]; place[k] = D.sPlace[i]; region[k] = D.pregion[place[k]];
        side[k] = D.sState[i] === 2 ? -1 : D.sSide[i];
        key[k] = D.sState[i] * 1000 + D.sSide[i] + 4000 * this.haloOf[k] +
          8000 * this.uncertainOf[k];
      }
    }
    this.iPlace = place; this.iSide = side; this.iKey = key; this.iRegion = region;
  };

  P.updateStatus = function () {
    var c = this.container, n = this.items.length, ui = this.ui, events = this.mode === "events";
    c.dataset.eventsDrawn = String(events ? n : 0);
    c.dataset.placesDrawn = String(events ? 0 : n);
    c.dataset.currentDate = isoDay(this.day);
    c.dataset.mode = this.mode;
    if (this.dateLabel) this.dateLabel.textContent = this.fmt.long(this.day);
    this.saveHash();
    if (this.countLabel) {
      this.countLabel.textContent = events
        ? n + " " + ui.of + " " + count(this.D.n, ui.event_shown, ui.events_shown)
        : count(n, ui.place_shown, ui.places_shown);
    }
  };

  /* The view's date and mode live in the URL hash (#date=2024-12-01&mode=control), so a
   * link or a second tab can show another date. */
  P.saveHash = function () {
    if (!this.hashReady) return;
    try {
      history.replaceState(null, "", "#date=" + isoDay(this.day) + "&mode=" + this.mode);
    } catch (e) { /* sandboxed frames may refuse */ }
  };

  P.loadHash = function () {
    var m = /date=(\d{4}-\d{2}-\d{2})/.exec(location.hash), mode = /mode=(events|control)/.exec(location.hash);
    if (m) {
      var d = Math.round(Date.parse(m[1] + "T00:00:00Z") / DAY_MS);
      if (isFinite(d)) this.day = this.prevDay = Math.max(this.D.d0, Math.min(this.D.d1, d));
    }
    if (mode) this.mode = mode[1];
    this.hashReady = true;
  };

  /* Item k at (x, y); dx moves its symbol aside from others at the same place (a region's
   * ring stays, its glyph moves). */
  P.drawItem = function (ctx, k, x, y, dx) {
    var D = this.D, i = this.items[k], side = this.iSide[k], region = this.iRegion[k];
    var color = side < 0 ? AMBER : D.sideColor[side];
    dx = dx || 0;
    if (this.mode === "events") {
      var faint = D.econf[i] < UNSURE;
      if (region) {
        regionRing(ctx, color, D.estatus[i], x, y, 16);
        glyph(ctx, D.echange[i], D.estatus[i], color, x + dx, y - 16, 4.5, faint);
      } else glyph(ctx, D.echange[i], D.estatus[i], color, x + dx, y, 6, faint);
      return;
    }
    if (this.haloOf[k]) halo(ctx, x, y, region ? 21 : 11);
    if (this.uncertainOf[k]) {
      if (region) regionRing(ctx, color, 2, x, y, 16);
      else uncertainDot(ctx, color, x, y, 5.5);
    } else if (region) regionRing(ctx, color, 0, x, y, 16);
    else {
      var e = D.sEv[i] - 1; // a state that an uncertain report gives is drawn faint
      ctx.globalAlpha = e >= 0 && D.econf[e] < UNSURE ? 0.4 : 1;
      townDot(ctx, D.sState[i], color, x, y, 5.5);
      ctx.globalAlpha = 1;
    }
  };

  P.drawCluster = function (ctx, c) {
    var r = clusterRadius(c.n), total = c.n, a0 = -Math.PI / 2, D = this.D;
    Object.keys(c.sides).forEach(function (side) {
      var a1 = a0 + 2 * Math.PI * c.sides[side] / total, s = Number(side);
      ctx.beginPath(); ctx.moveTo(c.x, c.y); ctx.arc(c.x, c.y, r, a0, a1); ctx.closePath();
      ctx.fillStyle = s < 0 ? AMBER : D.sideColor[s]; ctx.fill(); a0 = a1;
    });
    ctx.beginPath(); ctx.arc(c.x, c.y, r * 0.62, 0, 2 * Math.PI);
    ctx.fillStyle = "#fff"; ctx.fill(); ctx.lineWidth = 1; ctx.strokeStyle = "#333"; ctx.stroke();
    ctx.fillStyle = "#111"; ctx.font = "bold 11px sans-serif"; ctx.textAlign = "center";
    ctx.textBaseline = "middle"; ctx.fillText(c.n > 9999 ? Math.round(c.n / 1000) + "k" : String(c.n), c.x, c.y);
  };

  /* Draw everything into ctx; (ox, oy) maps scaled zoom-0 mercator pixels to canvas pixels. */
  P.draw = function (ctx, w, h, scale, ox, oy) {
    var D = this.D, n = this.items.length, k, m = 24, place = this.iPlace;
    var xs = new Float64Array(n), ys = new Float64Array(n), inView = new Uint8Array(n);
    for (k = 0; k < n; k++) {
      var x = D.px[place[k]] * scale - ox, y = D.py[place[k]] * scale - oy;
      xs[k] = x; ys[k] = y;
      inView[k] = x > -m && y > -m && x < w + m && y < h + m ? 1 : 0;
    }
    var clusters = this.clusterize(xs, ys, inView, n);
    // Different symbols at one place (a 2016 change and a 2024 change at one town) stand
    // side by side, older to the left (items come in date order), none hidden under another.
    var slot = new Int32Array(n), keysAt = new Map(), key, keys;
    for (k = 0; k < n; k++) {
      if (!inView[k] || (clusters && clusters.of[k] >= 0)) continue;
      key = place[k] * 100000 + this.iKey[k]; keys = keysAt.get(place[k]);
      if (!keys) { keys = []; keysAt.set(place[k], keys); }
      slot[k] = keys.indexOf(key);
      if (slot[k] < 0) { slot[k] = keys.length; keys.push(key); }
    }
    var seen = new Set(), hx = [], hy = [], hk = [], hc = [], hf = [];
    for (k = 0; k < n; k++) {
      if (!inView[k] || (clusters && clusters.of[k] >= 0)) continue;
      key = place[k] * 100000 + this.iKey[k];
      var count = keysAt.get(place[k]).length, gap = this.iRegion[k] ? 11 : 14;
      var dx = (slot[k] - (count - 1) / 2) * gap;
      hx.push(this.iRegion[k] ? xs[k] : xs[k] + dx); hy.push(ys[k]); hk.push(k);
      hc.push(xs[k]); hf.push(this.iRegion[k] ? 0 : (count - 1) / 2 * gap);
      if (seen.has(key)) continue;
      seen.add(key);
      this.drawItem(ctx, k, xs[k], ys[k], dx);
    }
    var cl = clusters ? clusters.list : [];
    for (k = 0; k < cl.length; k++) this.drawCluster(ctx, cl[k]);
    this.drawLabels(ctx, hc, hy, hk, cl, hf);
    this.hits = { x: hx, y: hy, k: hk, clusters: cl };
  };

  /* Town names beside their symbols when few enough are in view: right of the symbol, else
     left of it, never over another label or another place's symbol or cluster (a name that
     fits neither side is left out: the symbol's tooltip names it). this.labels lists what
     was drawn. */
  P.drawLabels = function (ctx, hx, hy, hk, clusters, fan) {
    var D = this.D, done = new Set(), boxes = [], blocks = [], j, p, r, halos = this.haloOf, onlyChanged;
    this.labels = [];
    for (j = 0; j < hk.length; j++) done.add(this.iPlace[hk[j]]);
    onlyChanged = done.size > MAX_LABELS; // too many: name only the towns that changed hands
    if (onlyChanged && (this.mode !== "control" || !halos.some(Boolean))) return;
    done.clear();
    for (j = 0; j < hk.length; j++) {
      r = this.iRegion[hk[j]] ? 17 : 7;
      blocks.push([hx[j] - r - fan[j], hy[j] - r - (this.iRegion[hk[j]] ? 5 : 0),
                   hx[j] + r + fan[j], hy[j] + r, this.iPlace[hk[j]]]);
    }
    (clusters || []).forEach(function (c) {
      r = clusterRadius(c.n); blocks.push([c.x - r, c.y - r, c.x + r, c.y + r, -1]);
    });
    function hits(box, list, own) {
      return list.some(function (b) {
        return b[4] !== own && b[0] < box[2] && box[0] < b[2] && b[1] < box[3] && box[1] < b[3];
      });
    }
    ctx.font = "600 12px system-ui, sans-serif"; ctx.textAlign = "left";
    ctx.textBaseline = "middle"; ctx.lineJoin = "round";
    for (j = 0; j < hk.length; j++) {
      p = this.iPlace[hk[j]];
      if (done.has(p) || (onlyChanged && !halos[hk[j]])) continue;
      done.add(p);
      var off = (this.iRegion[hk[j]] ? 19 : 9) + fan[j], y = hy[j];
      var w = ctx.measureText(D.pname[p]).width;
      var x = [hx[j] + off, hx[j] - off - w].find(function (left) {
        var box = [left, y - 7, left + w, y + 7, p];
        return !hits(box, boxes, undefined) && !hits(box, blocks, p);
      });
      if (x === undefined) continue;
      boxes.push([x, y - 7, x + w, y + 7, p]);
      this.labels.push({ name: D.pname[p], x: x, y: y, w: w, left: x < hx[j] });
      ctx.lineWidth = 3; ctx.strokeStyle = "rgba(255,255,255,0.9)"; ctx.strokeText(D.pname[p], x, y);
      ctx.fillStyle = "#222"; ctx.fillText(D.pname[p], x, y);
    }
  };

  P.clusterize = function (xs, ys, inView, n) {
    if (!this.cluster || this.map.getZoom() > CLUSTER_MAX_ZOOM) return null;
    var cells = new Map(), k, key, side = this.iSide;
    for (k = 0; k < n; k++) {
      if (!inView[k]) continue;
      key = Math.floor(xs[k] / CLUSTER_CELL) * 65536 + Math.floor(ys[k] / CLUSTER_CELL);
      var c = cells.get(key);
      if (!c) { c = { n: 0, sx: 0, sy: 0, sides: {}, members: [] }; cells.set(key, c); }
      c.n++; c.sx += xs[k]; c.sy += ys[k]; c.members.push(k);
      c.sides[side[k]] = (c.sides[side[k]] || 0) + 1;
    }
    var of = new Int32Array(n).fill(-1), list = mergeOverlaps(cells);
    list.forEach(function (c, i) {
      for (var j = 0; j < c.members.length; j++) of[c.members[j]] = i;
    });
    return { of: of, list: list };
  };

  function clusterRadius(n) { return 13 + 3 * Math.log10(n); }

  /* Crowded cells become clusters; a cluster that would overlap a bigger one joins it. */
  function mergeOverlaps(cells) {
    var big = [], out = [];
    cells.forEach(function (c) {
      if (c.n >= CLUSTER_MIN) { c.x = c.sx / c.n; c.y = c.sy / c.n; big.push(c); }
    });
    big.sort(function (a, b) { return b.n - a.n; });
    big.forEach(function (c) {
      for (var i = 0; i < out.length; i++) {
        var o = out[i], r = clusterRadius(o.n) + clusterRadius(c.n);
        if ((o.x - c.x) * (o.x - c.x) + (o.y - c.y) * (o.y - c.y) < r * r) {
          o.sx += c.sx; o.sy += c.sy; o.n += c.n; o.members = o.members.concat(c.members);
          Object.keys(c.sides).forEach(function (s) { o.sides[s] = (o.sides[s] || 0) + c.sides[s]; });
          o.x = o.sx / o.n; o.y = o.sy / o.n;
          return;
        }
      }
      out.push(c);
    });
    return out;
  }

  /* The drawn item or cluster nearest a canvas point (within a few pixels). */
  P.hitTest = function (x, y) {
    var h = this.hits, best = -1, bestD = 100, j, d;
    if (!h) return null;
    for (j = 0; j < h.clusters.length; j++) {
      var c = h.clusters[j], r = clusterRadius(c.n);
      if ((c.x - x) * (c.x - x) + (c.y - y) * (c.y - y) <= r * r) return { cluster: c };
    }
    for (j = 0; j < h.x.length; j++) {
      d = (h.x[j] - x) * (h.x[j] - x) + (h.y[j] - y) * (h.y[j] - y);
      if (d < bestD) { bestD = d; best = j; }
    }
    if (best >= 0) return { place: this.iPlace[h.k[best]] };
    for (j = 0; j < h.x.length; j++) { // region rings answer anywhere inside
      d = (h.x[j] - x) * (h.x[j] - x) + (h.y[j] - y) * (h.y[j] - y);
      if (this.iRegion[h.k[j]] && d < 324) return { place: this.iPlace[h.k[j]] };
    }
    return null;
  };

  P.latLng = function (p) { return L.latLng(this.D.plat[p], this.D.plon[p]); };

  function cornerExtent(corner) {
    var width = 0, height = 0;
    if (!corner) return { width: 10, height: 10 };
    for (var i = 0; i < corner.children.length; i++) {
      var box = corner.children[i].getBoundingClientRect();
      width = Math.max(width, box.width);
      height += box.height;
    }
    return { width: width, height: height };
  }

  P.fitView = function () {
    var D = this.D, b = L.latLngBounds([]);
    for (var i = 0; i < D.n; i++) b.extend(this.latLng(D.ep[i]));
    for (var j = 0; j < D.spanPlaces.length; j++) b.extend(this.latLng(D.spanPlaces[j]));
    var c = this.container, size = this.map.getSize();
    // Controls float inside Leaflet's corners, so a corner's own box is empty: measure
    // the controls, and keep the data clear of the panels that sit over the map.
    var right = cornerExtent(c.querySelector(".leaflet-top.leaflet-right"));
    var bottom = cornerExtent(c.querySelector(".leaflet-bottom.leaflet-left"));
    var pr = Math.min(right.width + 30, size.x * 0.45);
    var pb = Math.min(bottom.height + 30, size.y * 0.45);
    if (b.isValid()) {
      // A single town (or a few close together) is framed with its surroundings, about
      // 300 km across, not zoomed into empty space.
      var mid = b.getCenter(), dlat = MIN_FRAME / 2, dlon = MIN_FRAME / 2 /
        Math.max(Math.cos(mid.lat * Math.PI / 180), 0.2);
      b.extend([mid.lat - dlat, mid.lng - dlon]); b.extend([mid.lat + dlat, mid.lng + dlon]);
      this.map.fitBounds(b, { paddingTopLeft: [50, 40], paddingBottomRight: [pr, pb],
        maxZoom: 9, animate: false });
    }
    else this.map.setView([30, 20], 3, { animate: false });
  };

  window.ConflictPage = ConflictPage;
  window.conflictmapDecode = decode;
  window.conflictmapGlyphs = { glyph: glyph, regionRing: regionRing, townDot: townDot, halo: halo,
    swatch: swatch, el: el, safeUrl: safeUrl, fold: fold, count: count, isoDay: isoDay, period: period,
    uncertainDot: uncertainDot, GREY: GREY, AMBER: AMBER,
    CHANGES: CHANGES, STATUSES: STATUSES, PAD: PAD, UNSURE: UNSURE };
})();
