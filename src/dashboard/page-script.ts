/**
 * The statistics page's script, inlined in the page (allowed by its hash in the CSP). It
 * opens the feed (`events`, next to the page's own path), and on every message rebuilds the
 * tables. Every name and number goes into the page through `textContent` or an attribute
 * value, never as markup, so an operation named `<script>` shows as text.
 */
export const PAGE_SCRIPT = String.raw`
'use strict';
(function () {
  var feedUrl = location.pathname.replace(/\/?$/, '/') + 'events';
  var SVG = 'http://www.w3.org/2000/svg';
  var STATES = { closed: 'state-closed', open: 'state-open', 'half-open': 'state-half-open' };
  function $(id) { return document.getElementById(id); }
  function int(n) { return Math.round(n).toLocaleString('en-US'); }
  function rate(n) { return n < 10 ? n.toFixed(1) : int(n); }
  function pct(r) { return (r * 100).toFixed(1) + '%'; }
  function ms(v) {
    if (v === null) return '\u2013';
    if (v < 10) return v.toFixed(2) + ' ms';
    if (v < 1000) return v.toFixed(0) + ' ms';
    return (v / 1000).toFixed(2) + ' s';
  }
  function span(v) {
    var s = v / 1000;
    if (s < 60) return s.toFixed(1) + ' s';
    if (s < 3600) return Math.floor(s / 60) + ' min ' + Math.floor(s % 60) + ' s';
    return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
  }
  function cell(tr, text, field, className) {
    var td = document.createElement('td');
    td.textContent = text;
    if (field) td.setAttribute('data-field', field);
    if (className) td.className = className;
    tr.appendChild(td);
    return td;
  }
  function row(name) {
    var tr = document.createElement('tr');
    tr.setAttribute('data-name', name);
    cell(tr, name, 'name');
    return tr;
  }
  function sparkline(values) {
    var w = 120, h = 24, max = Math.max.apply(null, values.concat([1]));
    var svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('class', 'spark');
    svg.setAttribute('width', String(w));
    svg.setAttribute('height', String(h));
    svg.setAttribute('viewBox', '0 0 ' + w + ' ' + h);
    var line = document.createElementNS(SVG, 'polyline');
    var step = values.length > 1 ? w / (values.length - 1) : 0;
    line.setAttribute('points', values.map(function (v, i) {
      return (i * step).toFixed(1) + ',' + (h - 1 - (v / max) * (h - 2)).toFixed(1);
    }).join(' '));
    svg.appendChild(line);
    return svg;
  }
  function fill(id, items, build, columns, emptyText) {
    var tbody = $(id).tBodies[0];
    var rows = items.map(build);
    if (rows.length === 0) {
      var tr = document.createElement('tr');
      var td = cell(tr, emptyText, null, 'empty');
      td.colSpan = columns;
      rows = [tr];
    }
    tbody.replaceChildren.apply(tbody, rows);
  }
  function reasons(map) {
    var parts = Object.keys(map).sort().map(function (k) { return k + ' ' + int(map[k]); });
    return parts.length ? parts.join(' \u00b7 ') : '\u2013';
  }
  function render(s) {
    var t = s.totals;
    ['calls', 'successes', 'failures', 'retries', 'inFlight'].forEach(function (k) {
      document.querySelector('[data-total="' + k + '"]').textContent = int(t[k]);
    });
    document.querySelector('[data-total="successRate"]').textContent = t.successes + t.failures > 0 ? pct(t.successRate) : '\u2013';
    $('ops-note').textContent = t.operations > t.shown ? '(' + t.shown + ' of ' + t.operations + ' shown)' : '';
    fill('operations', s.operations, function (o) {
      var tr = row(o.name);
      cell(tr, int(o.calls), 'calls');
      cell(tr, rate(o.callsPerSecond), 'callsPerSecond');
      cell(tr, int(o.retries), 'retries');
      cell(tr, rate(o.retriesPerSecond), 'retriesPerSecond');
      cell(tr, o.successes + o.failures > 0 ? pct(o.successRate) : '\u2013', 'successRate', o.successRate < 0.9 && o.failures > 0 ? 'low' : '');
      cell(tr, reasons(o.giveUpReasons), 'giveUps', 'reasons');
      cell(tr, ms(o.p50Ms), 'p50');
      cell(tr, ms(o.p99Ms), 'p99');
      cell(tr, '', 'history').appendChild(sparkline(o.history));
      return tr;
    }, 10, 'No calls yet.');
    fill('breakers', s.breakers, function (b) {
      var tr = row(b.name);
      var badge = document.createElement('span');
      badge.className = 'badge ' + (STATES[b.state] || 'state-other');
      badge.textContent = b.state;
      cell(tr, '', 'state').appendChild(badge);
      cell(tr, (b.inStateAtLeast ? '\u2265 ' : '') + span(b.inStateMs), 'inState');
      cell(tr, int(b.transitions), 'transitions');
      return tr;
    }, 4, 'No circuit breaker watched.');
    fill('budgets', s.budgets, function (b) {
      var tr = row(b.name);
      cell(tr, int(b.available), 'available');
      cell(tr, b.tokens === undefined ? '\u2013' : int(b.tokens) + ' / ' + int(b.capacity), 'tokens');
      cell(tr, int(b.refusals), 'refusals');
      return tr;
    }, 4, 'No retry budget watched.');
    fill('limiters', s.limiters, function (l) {
      var tr = row(l.name);
      cell(tr, l.enabled ? 'pacing' : 'idle', 'enabled');
      cell(tr, l.enabled ? rate(l.rate) + ' /s' : '\u2013', 'rate');
      cell(tr, int(l.throttles), 'throttles');
      cell(tr, int(l.waits), 'waits');
      return tr;
    }, 5, 'No rate limiter watched.');
    $('updated').textContent = new Date().toLocaleTimeString();
    $('interval').textContent = (s.intervalMs / 1000).toFixed(s.intervalMs < 1000 ? 2 : 0);
  }
  function status(text, className) {
    var el = $('status');
    el.textContent = text;
    el.className = 'status ' + className;
  }
  function connect() {
    var source = new EventSource(feedUrl);
    source.onopen = function () { status('live', 'live'); };
    source.onmessage = function (m) {
      render(JSON.parse(m.data));
      document.body.setAttribute('data-updates', String(Number(document.body.getAttribute('data-updates') || 0) + 1));
    };
    source.onerror = function () {
      if (source.readyState === EventSource.CLOSED) {
        // Refused (too many viewers) or gone: try again a little later.
        status('disconnected', 'down');
        setTimeout(connect, 5000);
      } else {
        status('reconnecting', 'down');
      }
    };
  }
  connect();
})();
`;
