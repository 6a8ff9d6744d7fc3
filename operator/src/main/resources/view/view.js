'use strict';
// The web view's only script: reads JSON from /view/api with the viewer's bearer token and builds
// the page with DOM calls (never innerHTML), so nothing a pipeline or sink holds runs as markup.
(function () {
  const REFRESH_SECONDS = 5;
  const KEY = 'streaming-pipeline-token';
  const SVG = 'http://www.w3.org/2000/svg';

  function token() {
    const hash = new URLSearchParams(location.hash.slice(1));
    if (hash.get('token')) {
      sessionStorage.setItem(KEY, hash.get('token'));
      history.replaceState(null, '', location.pathname + location.search);
    }
    return sessionStorage.getItem(KEY);
  }

  function showLogin(reason) {
    document.getElementById('content').hidden = true;
    document.getElementById('login').hidden = false;
    document.getElementById('login-reason').textContent = reason;
  }

  async function api(path) {
    const t = token();
    if (!t) {
      showLogin('No token yet.');
      throw new Error('no token');
    }
    const response = await fetch(path, { headers: { Authorization: 'Bearer ' + t }, cache: 'no-store' });
    const body = await response.json();
    if (response.status === 401) {
      sessionStorage.removeItem(KEY);
      showLogin('401: ' + body.error);
      throw new Error('401');
    }
    document.getElementById('login').hidden = true;
    document.getElementById('content').hidden = false;
    if (!response.ok) {
      const error = new Error(response.status + ': ' + body.error);
      error.status = response.status;
      throw error;
    }
    return body;
  }

  function text(value) {
    return value === null || value === undefined ? '' : String(value);
  }

  function cell(row, value, numeric) {
    const td = document.createElement('td');
    td.textContent = text(value);
    if (numeric) td.className = 'num';
    if (value === 'True' || value === 'False') td.classList.add(value);
    row.appendChild(td);
    return td;
  }

  function fill(tableId, items, columns) {
    const body = document.querySelector('#' + tableId + ' tbody');
    body.replaceChildren();
    for (const item of items) {
      const row = document.createElement('tr');
      for (const [value, numeric] of columns(item)) cell(row, value, numeric);
      body.appendChild(row);
    }
  }

  function age(created) {
    if (!created) return '';
    const s = Math.max(0, Math.floor((Date.now() - Date.parse(created)) / 1000));
    if (s < 120) return s + 's';
    if (s < 7200) return Math.floor(s / 60) + 'm';
    if (s < 172800) return Math.floor(s / 3600) + 'h';
    return Math.floor(s / 86400) + 'd';
  }

  async function pipelines() {
    const body = await api('api/pipelines');
    document.getElementById('viewer').textContent = 'signed in as ' + body.viewer;
    const tbody = document.querySelector('#pipelines tbody');
    tbody.replaceChildren();
    for (const p of body.pipelines) {
      const row = document.createElement('tr');
      row.dataset.name = p.name;
      row.dataset.namespace = p.namespace;
      cell(row, p.namespace);
      const link = document.createElement('a');
      link.href = 'pipeline.html?' + new URLSearchParams({ namespace: p.namespace, name: p.name });
      link.textContent = p.name;
      cell(row, '').appendChild(link);
      cell(row, p.phase);
      cell(row, p.ready);
      cell(row, p.lag, true);
      cell(row, p.behind, true);
      cell(row, p.driver);
      cell(row, age(p.created));
      tbody.appendChild(row);
    }
    document.getElementById('empty').hidden = body.pipelines.length > 0;
  }

  function svg(name, attributes, content) {
    const element = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attributes)) element.setAttribute(k, v);
    if (content !== undefined) element.textContent = content;
    return element;
  }

  function chart(id, points, index) {
    const chartSvg = document.getElementById(id);
    chartSvg.replaceChildren();
    const known = points.filter(p => p[index] !== null);
    const left = 50, right = 550, top = 10, bottom = 145;
    chartSvg.appendChild(svg('line', { class: 'axis', x1: left, y1: bottom, x2: right, y2: bottom }));
    chartSvg.appendChild(svg('line', { class: 'axis', x1: left, y1: top, x2: left, y2: bottom }));
    if (known.length === 0) {
      chartSvg.dataset.last = '';
      chartSvg.appendChild(svg('text', { x: 200, y: 80 }, 'no samples yet'));
      return;
    }
    // one time axis for every chart: the whole history, also where a figure was unknown
    const t0 = points[0][0], t1 = Math.max(points[points.length - 1][0], t0 + 1);
    const max = Math.max(1, ...known.map(p => p[index]));
    const x = t => left + (right - left) * (t - t0) / (t1 - t0);
    const y = v => bottom - (bottom - top) * v / max;
    chartSvg.appendChild(svg('polyline', { class: 'line', points: known.map(p => x(p[0]).toFixed(1) + ',' + y(p[index]).toFixed(1)).join(' ') }));
    const last = known[known.length - 1];
    chartSvg.dataset.last = String(last[index]);
    chartSvg.appendChild(svg('circle', { class: 'last', cx: x(last[0]), cy: y(last[index]), r: 3 }));
    chartSvg.appendChild(svg('text', { x: 2, y: top + 8 }, formatNumber(max)));
    chartSvg.appendChild(svg('text', { x: 2, y: bottom }, '0'));
    chartSvg.appendChild(svg('text', { x: left, y: 162 }, '-' + Math.round((t1 - t0) / 1000) + ' s'));
    chartSvg.appendChild(svg('text', { x: right - 90, y: 162, class: 'last-label' }, 'now: ' + formatNumber(last[index])));
  }

  function formatNumber(v) {
    return Number.isInteger(v) ? String(v) : v.toFixed(1);
  }

  function params() {
    const q = new URLSearchParams(location.search);
    return { namespace: q.get('namespace'), name: q.get('name') };
  }

  function base() {
    const p = params();
    return 'api/pipelines/' + encodeURIComponent(p.namespace) + '/' + encodeURIComponent(p.name);
  }

  let buttonsBuilt = false;

  async function pipeline() {
    const p = params();
    document.getElementById('title').textContent = p.namespace + '/' + p.name;
    const problem = document.getElementById('problem');
    let body;
    try {
      body = await api(base());
      problem.hidden = true;
    } catch (e) {
      if (e.status) {
        problem.textContent = e.message;
        problem.hidden = false;
      }
      throw e;
    }
    document.getElementById('phase').textContent = text(body.phase);
    document.getElementById('ready').textContent = text(body.ready);
    document.getElementById('driver').textContent = text(body.driver);
    const lag = body.status || {};
    document.getElementById('status-total').textContent = text(lag.total);
    document.getElementById('status-behind').textContent = text(lag.secondsBehind);
    document.getElementById('status-evaluated').textContent = text(lag.evaluatedAt);
    document.getElementById('message').textContent = text(body.message);
    chart('chart-lag', body.history, 1);
    chart('chart-behind', body.history, 2);
    chart('chart-processing', body.history, 3);
    chart('chart-producing', body.history, 4);
    fill('partitions', body.partitions, f => [[f.name], [f.processed, true], [f.end, true], [f.lag, true], [f.secondsBehind, true], [f.evaluation], [f.detail]]);
    fill('conditions', body.conditions, c => [[c.type], [c.status], [c.reason], [c.message], [c.lastTransitionTime]]);
    fill('events', body.events, e => [[e.time], [e.type], [e.reason], [e.message]]);
    fill('pods', body.pods, pod => [[pod.name], [pod.role], [pod.phase], [pod.restarts, true], [pod.node]]);
    fill('topics', body.topics, t => [[t.name], [t.partitions, true], [t.ready]]);
    if (!buttonsBuilt) {
      buttonsBuilt = true;
      const buttons = document.getElementById('results-buttons');
      for (const sink of body.sinks) {
        const button = document.createElement('button');
        button.id = 'show-' + sink;
        button.textContent = 'Show rows in ' + sink;
        button.addEventListener('click', () => results(sink, null));
        buttons.appendChild(button);
      }
    }
  }

  async function results(sink, next) {
    const holder = document.getElementById('results');
    let page;
    try {
      page = await api(base() + '/results?' + new URLSearchParams(next ? { sink, next } : { sink }));
    } catch (e) {
      const p = document.createElement('p');
      p.className = 'problem';
      p.id = 'results-problem';
      p.textContent = e.message;
      holder.replaceChildren(p);
      return;
    }
    const section = document.createElement('section');
    section.id = 'results-' + sink;
    const heading = document.createElement('h3');
    heading.textContent = page.source + ': ' + (page.count === null ? 'count unavailable' : page.count + ' rows') + ', showing ' + page.rows.length;
    heading.className = 'results-heading';
    heading.dataset.count = text(page.count);
    section.appendChild(heading);
    const table = document.createElement('table');
    table.className = 'rows';
    const head = table.createTHead().insertRow();
    for (const column of page.columns) {
      const th = document.createElement('th');
      th.textContent = column;
      head.appendChild(th);
    }
    const tbody = table.createTBody();
    for (const row of page.rows) {
      const tr = tbody.insertRow();
      for (const column of page.columns) cell(tr, row[column]);
    }
    section.appendChild(table);
    if (page.next) {
      const more = document.createElement('button');
      more.id = 'next-' + sink;
      more.textContent = 'Next page';
      more.addEventListener('click', () => results(sink, page.next));
      section.appendChild(more);
    }
    holder.replaceChildren(section);
  }

  function loop(render) {
    const run = () => render().catch(() => {}).finally(() => setTimeout(run, REFRESH_SECONDS * 1000));
    run();
  }

  document.addEventListener('DOMContentLoaded', () => {
    for (const span of document.querySelectorAll('.refresh')) span.textContent = REFRESH_SECONDS;
    document.getElementById('login-form').addEventListener('submit', event => {
      event.preventDefault();
      sessionStorage.setItem(KEY, document.getElementById('token').value.trim());
      location.reload();
    });
    loop(document.body.dataset.page === 'pipeline' ? pipeline : pipelines);
  });
})();
