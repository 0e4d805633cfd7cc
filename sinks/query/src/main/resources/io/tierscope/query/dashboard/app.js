// Tierscope dashboard: polls the query API (same origin) and draws with uPlot (served from its webjar).
(function () {
  'use strict';
  const POLL_MS = 5000;
  const GIB = 1024 * 1024 * 1024;
  const params = new URLSearchParams(location.search);
  const token = params.get('token');
  const state = { vm: decodeURIComponent((location.hash.match(/vm=([^&]+)/) || [])[1] || ''), fleet: [], plots: {} };
  const STATE_COLORS = ['#2f5fd0', '#4aa3ff', '#ffd166', '#ff8c42', '#ff4a3d'];
  const CURVE_COLORS = ['#5cc8ff', '#b48cff', '#8ad17f', '#f0a35e'];

  async function api(path) {
    const headers = token ? { Authorization: 'Bearer ' + token } : {};
    const r = await fetch('/api/v1' + path, { headers });
    if (!r.ok) {
      const body = await r.json().catch(() => ({ error: r.statusText }));
      const e = new Error(body.error || r.statusText); e.status = r.status; throw e;
    }
    return r.json();
  }

  const fmt = {
    gib(bytes) { if (bytes == null) return '–'; const g = bytes / GIB; return g >= 10 ? g.toFixed(1) + ' GiB' : g >= 0.1 ? g.toFixed(2) + ' GiB' : (bytes / 1048576).toFixed(1) + ' MiB'; },
    n(x) { if (x == null) return '–'; if (x >= 1e6) return (x / 1e6).toFixed(1) + 'M'; if (x >= 1e4) return (x / 1e3).toFixed(1) + 'k'; return (Math.round(x * 10) / 10).toString(); },
    pct(x) { return x == null ? '–' : (x * 100).toFixed(0) + '%'; },
    time(ms) { return new Date(ms).toLocaleTimeString(); }
  };
  const pageBytes = (v, pages) => pages == null ? null : pages * (v.pageSizeBytes || 4096);

  function setStatus(text, ok) {
    const el = document.getElementById('state');
    el.textContent = text; el.className = 'pill ' + (ok ? 'ok' : 'bad');
    document.getElementById('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
  }

  // Consumer lag of the pipeline's groups (streams app, planner): records they have yet to read. The server reads it
  // in the background; a value that is not current says so and how old it is, and the reason is in the tooltip.
  function lagText(lag) {
    if (!lag || !lag.groups.length) return '–';
    const named = (g) => lag.groups.length > 1 ? ' <span class="hint">' + escapeHtml(g.group) + '</span>' : '';
    const value = (g) => g.lag < 0 ? '<span class="stale" title="' + escapeHtml(g.error || '') + '">unknown</span>'
      : !g.stale ? fmt.n(g.lag) + ' records'
      : '<span class="stale" title="' + escapeHtml(g.error || 'not refreshed') + '">' + fmt.n(g.lag) + ' records (stale, '
        + Math.round(g.ageMs / 1000) + ' s old)</span>';
    return lag.groups.map(g => value(g) + named(g)).join('<br>');
  }

  function tiles(fleet, lag) {
    const sum = (f) => fleet.reduce((a, v) => a + (f(v) || 0), 0);
    const items = [
      ['VMs', fleet.length],
      ['working sets', fmt.gib(sum(v => v.workingSetBytes))],
      ['hot memory', fmt.gib(sum(v => pageBytes(v, v.hotPages)))],
      ['cold memory', fmt.gib(sum(v => pageBytes(v, v.coldPages)))],
      ['ingest', fmt.n(sum(v => v.samplesPerSecond)) + ' samples/s'],
      ['pipeline lag', lagText(lag), 'lag']
    ];
    document.getElementById('tiles').innerHTML = items.map(([l, v, id]) =>
      `<div class="tile"${id ? ` id="tile-${id}"` : ''}><div class="label">${l}</div><div class="value">${v}</div></div>`).join('');
  }

  function fleetTable(fleet) {
    const body = document.querySelector('#fleet tbody');
    body.innerHTML = fleet.map(v => {
      const hot = v.hotPages || 0, cold = v.coldPages || 0, all = Math.max(1, hot + cold);
      return `<tr data-vm="${encodeURIComponent(v.vmId)}" class="${v.vmId === state.vm ? 'sel' : ''}">
        <td class="vmid">${escapeHtml(v.vmId)}</td><td class="num">${fmt.gib(v.workingSetBytes)}</td>
        <td class="num">${fmt.gib(pageBytes(v, v.hotPages))}</td><td class="num">${fmt.gib(pageBytes(v, v.coldPages))}</td>
        <td class="num">${fmt.n(v.samplesPerSecond)}</td><td class="num">${fmt.n(v.gainMissesPerSecond)}</td>
        <td class="num">${fmt.pct(v.writeFraction)}</td>
        <td><div class="split"><div class="h" style="width:${100 * hot / all}%"></div><div class="c" style="width:${100 * cold / all}%"></div></div></td></tr>`;
    }).join('') || '<tr><td colspan="8" class="empty">no VMs published yet</td></tr>';
    body.querySelectorAll('tr[data-vm]').forEach(tr => tr.onclick = () => {
      state.vm = decodeURIComponent(tr.dataset.vm); location.hash = 'vm=' + tr.dataset.vm; refreshVm(); fleetTable(state.fleet);
    });
  }

  function escapeHtml(s) { return String(s).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c])); }

  function axes(xLabel, yLabel, xValues) {
    const a = { stroke: '#8a97b3', grid: { stroke: '#222c44', width: 1 }, ticks: { stroke: '#263049' } };
    return [Object.assign({ label: xLabel, values: xValues }, a), Object.assign({ label: yLabel, size: 56 }, a)];
  }

  function plot(id, opts, data) {
    const el = document.getElementById(id);
    const width = Math.max(300, el.clientWidth);
    const old = state.plots[id];
    if (old && old.key === opts.key) { old.u.setData(data); return old.u; }
    if (old) old.u.destroy();
    const u = new uPlot(Object.assign({ width, height: 280, legend: { show: true } }, opts), data, el);
    state.plots[id] = { u, key: opts.key };
    return u;
  }

  function mrcPlot(latest, history) {
    const toGib = (c) => c.points.map(p => p.sizeBytes / GIB);
    const curves = [{ label: 'long-horizon', c: latest }].concat(history.slice(-3).reverse().map((c, i) =>
      ({ label: i === 0 ? 'newest window' : `window -${i}`, c })));
    const tables = curves.map(({ c }) => [toGib(c), c.points.map(p => p.missRatio)]);
    const data = uPlot.join(tables);
    const log = document.getElementById('logx').checked;
    const series = [{ label: 'GiB' }].concat(curves.map(({ label }, i) => ({
      label, stroke: CURVE_COLORS[i], width: i === 0 ? 3 : 1.5, dash: i === 0 ? undefined : [6, 4], spanGaps: true,
      points: { show: false }, value: (u, v) => v == null ? '–' : v.toFixed(3)
    })));
    const u = plot('mrc', {
      key: 'mrc' + log + curves.length, series,
      scales: { x: { time: false, distr: log ? 3 : 1 }, y: { range: [0, 1] } },
      axes: axes('memory (GiB)', 'miss ratio', (u, vals) => vals.map(v => v == null ? '' : v >= 1 ? v.toFixed(0) : v >= 0.01 ? v.toFixed(2) : v.toExponential(0)))
    }, data);
    const wsGib = latest.workingSetPages * latest.pageSizeBytes / GIB;
    u.wsGib = wsGib;
    markReady('mrc', data[0].length, u);
  }

  function wsPlot(points) {
    const xs = points.map(p => p.windowEndMs / 1000);
    const max = Math.max(0, ...points.map(p => p.workingSetBytes));
    const [unit, div] = max >= GIB ? ['GiB', GIB] : ['MiB', 1048576];
    const ys = points.map(p => p.workingSetBytes / div);
    const u = plot('ws', {
      key: 'ws' + unit, series: [{}, { label: `working set (${unit})`, stroke: '#8ad17f', width: 2, fill: 'rgba(138,209,127,0.12)',
        points: { show: points.length < 30 }, value: (u, v) => v == null ? '–' : v.toFixed(1) }],
      scales: { x: { time: true }, y: { range: (u, lo, hi) => [0, Math.max(1, hi * 1.15)] } }, axes: axes('', unit)
    }, [xs, ys]);
    markReady('ws', xs.length, u);
  }

  function heatStates(heat, overview) {
    const cur = heat.current || {};
    const names = cur.stateNames || [];
    const counts = cur.pagesPerState || [];
    const total = Math.max(1, counts.reduce((a, b) => a + b, 0));
    document.getElementById('states').innerHTML =
      `<div class="bar">${counts.map((n, i) => `<div title="${names[i]}: ${n}" style="width:${100 * n / total}%;background:${STATE_COLORS[i % 5]}"></div>`).join('')}</div>
       <div class="keys">${counts.map((n, i) => `<span><i style="background:${STATE_COLORS[i % 5]}"></i>${names[i]} ${fmt.pct(n / total)}</span>`).join('')}</div>`;
    const s = heat.summary;
    const touched = s ? s.touchedPages : 0, written = s ? s.writtenPages : 0;
    const reads = Math.max(0, touched - written), all = Math.max(1, touched);
    document.getElementById('rw').innerHTML = s && touched === 0 ? '<p class="empty">no pages touched in the last window</p>' : s ?
      `<div class="bar"><div style="width:${100 * reads / all}%;background:#5cc8ff"></div><div style="width:${100 * written / all}%;background:#ff8c42"></div></div>
       <div class="keys"><span><i style="background:#5cc8ff"></i>read only ${fmt.n(reads)} pages (${fmt.pct(reads / all)})</span>
       <span><i style="background:#ff8c42"></i>written ${fmt.n(written)} pages (${fmt.pct(written / all)})</span></div>` : '<p class="empty">no heat summary yet</p>';
  }

  // Inferno-like ramp: dark blue-black (cold) through purple and orange to pale yellow (hot).
  const RAMP = [[0, [12, 14, 40]], [0.25, [72, 20, 110]], [0.5, [170, 50, 100]], [0.75, [245, 125, 40]], [1, [252, 240, 160]]];
  function color(v) {
    for (let i = 1; i < RAMP.length; i++) {
      if (v <= RAMP[i][0]) {
        const [a, ca] = RAMP[i - 1], [b, cb] = RAMP[i], f = (v - a) / (b - a);
        return `rgb(${ca.map((x, k) => Math.round(x + f * (cb[k] - x))).join(',')})`;
      }
    }
    return 'rgb(252,240,160)';
  }

  function heatmap(map) {
    const canvas = document.getElementById('heatmap');
    const dpr = window.devicePixelRatio || 1;
    const W = canvas.clientWidth, H = canvas.clientHeight;
    canvas.width = W * dpr; canvas.height = H * dpr;
    const g = canvas.getContext('2d'); g.scale(dpr, dpr);
    g.fillStyle = '#0b0f18'; g.fillRect(0, 0, W, H);
    const L = 78, B = 22, T = 6, R = 8, pw = W - L - R, ph = H - T - B;
    const cols = map.cells.length, rows = map.rows;
    const cw = pw / cols, rh = ph / rows;
    let filled = 0;
    for (let c = 0; c < cols; c++) {
      for (let r = 0; r < rows; r++) {
        const v = map.cells[c][r];
        if (v == null) continue;
        filled++;
        g.fillStyle = color(v);
        g.fillRect(L + c * cw, T + r * rh, Math.ceil(cw), Math.ceil(rh));
      }
    }
    g.fillStyle = '#8a97b3'; g.font = '11px system-ui, sans-serif'; g.textBaseline = 'middle';
    const page = 4096;
    for (let k = 0; k <= 4; k++) {
      const gfn = map.gfnStart + (map.gfnEnd - map.gfnStart) * k / 4;
      g.fillText(fmt.gib(gfn * page), 4, T + ph * k / 4);
    }
    g.textBaseline = 'alphabetic';
    for (let k = 0; k <= 4; k++) {
      const i = Math.min(cols - 1, Math.round((cols - 1) * k / 4));
      const label = fmt.time(map.times[i]);
      g.fillText(label, Math.min(W - R - 60, L + i * cw), H - 5);
    }
    markReady('heatmap', filled, null, canvas);
  }

  function legend() {
    const c = document.getElementById('legend'), g = c.getContext('2d');
    for (let x = 0; x < c.width; x++) { g.fillStyle = color(x / (c.width - 1)); g.fillRect(x, 0, 1, c.height); }
  }

  function hosts(list) {
    const el = document.getElementById('hosts');
    if (!list.length) { el.innerHTML = '<p class="empty">no allocations published yet</p>'; return; }
    el.innerHTML = list.map(h => {
      const a = h.allocation, p = h.plan;
      const max = a ? Math.max(1, ...a.vms.map(v => Math.max(v.fastPages, v.previousFastPages))) : 1;
      const rows = a ? a.vms.map(v => `<div class="vmid">${escapeHtml(v.vmId)}</div>
          <div class="track"><div class="fill" style="width:${100 * v.fastPages / max}%"></div>
          <div class="prev" style="left:${100 * v.previousFastPages / max}%" title="before"></div></div>
          <div>${fmt.gib(v.fastPages * 4096)} · mr ${v.missRatioBefore.toFixed(2)}&rarr;${v.missRatioAfter.toFixed(2)}</div>`).join('') : '';
      const moves = p ? p.vms.reduce((acc, v) => [acc[0] + v.demote.length, acc[1] + v.promote.length, acc[2] + (v.deferredPages || 0)], [0, 0, 0]) : null;
      return `<div class="host"><h3>${escapeHtml(h.host)} <span class="hint">${a ? 'fast tier ' + fmt.gib(a.fastCapacityPages * 4096) : ''}
        ${moves ? ` · plan ${escapeHtml(p.planId)}: ${moves[0]} demotions, ${moves[1]} promotions, ${moves[2]} deferred` : ' · no plan yet'}</span></h3>
        <div class="alloc">${rows}</div></div>`;
    }).join('');
  }

  function markReady(name, count, u, el) {
    const target = el || (u && u.over) || document.getElementById(name);
    const rect = (u ? u.over : target).getBoundingClientRect();
    document.body.dataset[name + 'Count'] = count;
    document.body.dataset[name + 'Rect'] = [rect.left + scrollX, rect.top + scrollY, rect.width, rect.height].map(Math.round).join(',');
  }

  async function refreshVm() {
    if (!state.vm) return;
    document.getElementById('vm-name').textContent = state.vm;
    const vm = encodeURIComponent(state.vm);
    const [latest, history, ws, heat, map] = await Promise.all([
      api(`/vms/${vm}/mrc`).catch(() => null), api(`/vms/${vm}/mrc/history`).catch(() => []),
      api(`/vms/${vm}/working-set`).catch(() => []), api(`/vms/${vm}/heat`).catch(() => null),
      api(`/vms/${vm}/heatmap?rows=96&cols=120`).catch(() => null)]);
    if (latest) mrcPlot(latest, history);
    wsPlot(ws);
    if (heat) heatStates(heat);
    if (map) heatmap(map);
  }

  async function refresh() {
    try {
      const health = await api('/health');
      state.fleet = await api('/vms?sort=working-set');
      const lag = await api('/lag').catch(() => null);
      setStatus(health.state.toLowerCase(), true);
      if (!state.vm && state.fleet.length) state.vm = state.fleet[0].vmId;
      tiles(state.fleet, lag); fleetTable(state.fleet);
      await refreshVm();
      hosts(await api('/hosts'));
      document.body.dataset.ready = 'true';
    } catch (e) {
      setStatus(e.status === 503 ? 'restoring…' : 'error: ' + e.message, false);
    }
  }

  document.getElementById('logx').onchange = refreshVm;
  legend();
  refresh();
  setInterval(refresh, POLL_MS);
})();
