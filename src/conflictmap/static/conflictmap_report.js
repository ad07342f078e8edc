/* conflictmap: each popup event's key and verified mark, a tick on verified events' symbols,
 * and "report an error": a small form that writes the event's line of a corrections file
 * (docs/CORRECTIONS.md) to paste, or a file to download. Built with createElement/textContent
 * only. Data: raw.fix (render.popup_report): k keys, v verified events, p place ids,
 * g/l gaining/losing actor ids, in event order. */
(function () {
  "use strict";

  var G = window.conflictmapGlyphs, el = G.el, P = window.ConflictPage.prototype;
  var COLUMNS = ["key", "action", "place", "change", "actor", "losing_actor", "date_start",
                 "date_end", "status", "source", "url", "quote", "note"];
  var DAY_MS = 86400000;

  function fixData(page) { return page.D.raw.fix || null; }

  P.isVerified = function (i) {
    var fix = fixData(this);
    if (!fix) return false;
    if (!this.verifiedSet) {
      this.verifiedSet = new Uint8Array(this.D.n);
      for (var j = 0; j < fix.v.length; j++) this.verifiedSet[fix.v[j]] = 1;
    }
    return this.verifiedSet[i] === 1;
  };

  function isoDay(day) { return new Date(day * DAY_MS).toISOString().slice(0, 10); }

  /* One CSV cell: quoted when it holds a comma, a quote, a line break or edge blanks. */
  function cell(v) {
    v = v === undefined || v === null ? "" : String(v);
    return /[",\r\n]|^\s|\s$/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v;
  }

  /* The corrections line for event i from the form's values (only what changed). */
  P.reportLine = function (i, f) {
    var D = this.D, fix = fixData(this), row = { key: fix.k[i], action: f.action, note: f.note };
    if (f.action === "change") {
      var was = {
        place: fix.p[i], change: G.CHANGES[D.echange[i]], actor: fix.g[i] || "-",
        losing_actor: fix.l[i] || "-", date_start: isoDay(D.estart[i]), date_end: isoDay(D.eend[i])
      };
      Object.keys(was).forEach(function (name) {
        var v = (f[name] || "").trim();
        if (v && v !== was[name]) row[name] = v;
      });
    }
    return COLUMNS.map(function (c) { return cell(row[c]); }).join(",");
  };

  P.reportForm = function (box, i) {
    var D = this.D, ui = this.ui, fix = fixData(this), self = this;
    var form = el("div", "cm-reportform"), fields = {};
    function field(name, label, input) {
      var lab = el("label", "cm-reportfield");
      lab.appendChild(el("span", null, label));
      input.name = name; lab.appendChild(input); form.appendChild(lab);
      fields[name] = input;
      return lab;
    }
    function text(value) { var t = el("input"); t.type = "text"; t.value = value; return t; }
    var action = el("select");
    [["reject", ui.report_reject], ["change", ui.report_change], ["verify", ui.report_verify]]
      .forEach(function (o) { var opt = el("option", null, o[1]); opt.value = o[0]; action.appendChild(opt); });
    field("action", ui.report_action, action);
    var change = el("select");
    G.CHANGES.forEach(function (c) { var opt = el("option", null, ui[c]); opt.value = c; change.appendChild(opt); });
    change.value = G.CHANGES[D.echange[i]];
    var details = [
      field("change", ui.changes, change),
      field("place", ui.report_place, text(fix.p[i])),
      field("actor", ui.report_actor, text(fix.g[i] || "-")),
      field("losing_actor", ui.report_loser, text(fix.l[i] || "-")),
      field("date_start", ui.report_from, text(isoDay(D.estart[i]))),
      field("date_end", ui.report_to, text(isoDay(D.eend[i])))
    ];
    field("note", ui.report_note, text(""));
    form.appendChild(el("div", "cm-note", ui.report_line));
    var out = el("textarea", "cm-reportline");
    out.readOnly = true; out.rows = 2;
    form.appendChild(out);
    var buttons = el("div", "cm-row"), copy = el("button", "cm-reportcopy", ui.report_copy);
    copy.type = "button";
    var save = el("a", "cm-reportsave", ui.report_download);
    save.download = "corrections-" + fix.k[i] + ".csv"; save.href = "#";
    buttons.appendChild(copy); buttons.appendChild(save); form.appendChild(buttons);

    function update() {
      details.forEach(function (d) { d.style.display = action.value === "change" ? "" : "none"; });
      var values = {};
      Object.keys(fields).forEach(function (k) { values[k] = fields[k].value; });
      out.value = self.reportLine(i, values);
    }
    Object.keys(fields).forEach(function (k) {
      fields[k].addEventListener("input", update); fields[k].addEventListener("change", update);
    });
    copy.addEventListener("click", function () {
      out.focus(); out.select();
      var done = function () { copy.textContent = ui.report_copied; };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(out.value).then(done, function () {
          try { document.execCommand("copy"); done(); } catch (e) { /* selected: copy by hand */ }
        });
      } else {
        try { document.execCommand("copy"); done(); } catch (e) { /* selected: copy by hand */ }
      }
    });
    save.addEventListener("click", function () {
      var body = COLUMNS.join(",") + "\n" + out.value + "\n";
      if (save.dataset.url) URL.revokeObjectURL(save.dataset.url);
      save.dataset.url = save.href = URL.createObjectURL(new Blob([body], { type: "text/csv" }));
    });
    update();
    box.appendChild(form);
    return form;
  };

  /* The popup's event block, with the key, the verified mark and the report control. */
  var baseBlock = P.eventBlock;
  P.eventBlock = function (i) {
    var b = baseBlock.call(this, i), fix = fixData(this), ui = this.ui, self = this;
    if (!fix || !fix.k) return b;
    if (this.isVerified(i)) {
      b.classList.add("cm-isverified");
      var head = b.querySelector(".cm-evhead") || b;
      head.appendChild(el("span", "cm-badge cm-verified", "\u2713 " + ui.verified));
    }
    var row = el("div", "cm-keyline");
    if (fix.k[i]) {
      row.appendChild(el("span", null, ui.event_key + ": "));
      row.appendChild(el("code", "cm-evkey", fix.k[i]));
      var button = el("button", "cm-report", ui.report_error), form = null;
      button.type = "button";
      button.addEventListener("click", function () {
        if (form) { form.remove(); form = null; return; }
        form = self.reportForm(b, i);
      });
      row.appendChild(button);
    }
    b.appendChild(row);
    return b;
  };

  /* A tick beside the symbol of a verified event (events mode), or of the place whose state
   * a verified event set (control mode). dx, the symbol's shift aside from others at its
   * place, is passed on: without it every symbol at a place is drawn on the newest one. */
  var baseDraw = P.drawItem;
  P.drawItem = function (ctx, k, x, y, dx) {
    baseDraw.call(this, ctx, k, x, y, dx);
    var i = this.items[k], region = this.iRegion && this.iRegion[k];
    if (this.mode !== "events") i = this.D.sEv ? this.D.sEv[i] - 1 : -1;
    if (i < 0 || !this.isVerified(i)) return;
    var r = region ? 16 : 7;
    if (!region && this.mode === "events") x += dx || 0; // beside its own glyph
    ctx.save();
    ctx.lineWidth = 3; ctx.strokeStyle = "#fff"; ctx.lineCap = "round";
    var tick = function () {
      ctx.beginPath(); ctx.moveTo(x + r - 1, y - r + 1); ctx.lineTo(x + r + 2, y - r + 4);
      ctx.lineTo(x + r + 8, y - r - 3); ctx.stroke();
    };
    tick(); ctx.lineWidth = 1.6; ctx.strokeStyle = "#0a7d2c"; tick();
    ctx.restore();
  };
})();
