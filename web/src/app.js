// The dashboard's pages: the lists (live over Server-Sent Events), one release, and its analysis.
// A single-page app: the server answers every page path with this shell, and the path picks the
// page.
import { loadSession, getJson, post, openStream } from './api.js';
import { el, table, age, phaseBadge } from './dom.js';
import uPlot from 'uplot';
import { analysisPage } from './analysis.js';

const KINDS = [
  { resource: 'rollouts', kind: 'Rollout', title: 'Rollouts' },
  { resource: 'migrations', kind: 'Migration', title: 'Migrations' },
  { resource: 'flagrollouts', kind: 'FlagRollout', title: 'FlagRollouts' },
];
const resourceOf = (kind) => (KINDS.find((k) => k.kind === kind) || KINDS[0]).resource;
const keyOf = (s) => `${s.kind}/${s.namespace}/${s.name}`;
const linkOf = (s) => `/namespaces/${encodeURIComponent(s.namespace)}/${resourceOf(s.kind)}/${encodeURIComponent(s.name)}`;

const main = () => document.getElementById('main');

function setConnection(state) {
  const node = document.getElementById('connection');
  node.textContent = state;
  node.className = `connection connection-${state}`;
}

// ---- The lists -----------------------------------------------------------------------------

function listRow(s) {
  return el('tr', { dataset: { key: keyOf(s) } },
    el('td', { class: 'namespace' }, s.namespace),
    el('td', { class: 'name' }, el('a', { href: linkOf(s) }, s.name)),
    el('td', { class: 'phase-cell' }, phaseBadge(s.phase)),
    el('td', { class: 'step' }, s.step || '-'),
    el('td', { class: 'weight' }, s.weight === null || s.weight === undefined ? '-' : `${s.weight}%`),
    el('td', { class: 'age', dataset: { created: s.createdAt } }, age(s.createdAt)),
    el('td', { class: 'message' }, s.message || ''));
}

function listPage() {
  const rows = new Map();  // key -> summary
  const sections = new Map();
  const filter = el('input', { id: 'filter', type: 'search', placeholder: 'Filter by namespace or name' });
  const root = el('div', { class: 'lists' }, el('div', { class: 'toolbar' }, filter));
  for (const k of KINDS) {
    const body = el('tbody', {});
    const count = el('span', { class: 'count' }, '0');
    const section = el('section', { id: `list-${k.resource}` },
      el('h2', {}, k.title, ' ', count),
      el('table', { class: 'list' },
        el('thead', {}, el('tr', {}, ['Namespace', 'Name', 'Phase', 'Step', 'Weight', 'Age', 'Message'].map((h) => el('th', {}, h)))),
        body));
    sections.set(k.kind, { body, count });
    root.append(section);
  }
  main().replaceChildren(root);

  const render = (kind) => {
    const { body, count } = sections.get(kind);
    const needle = filter.value.trim().toLowerCase();
    const items = [...rows.values()].filter((s) => s.kind === kind)
      .filter((s) => !needle || `${s.namespace}/${s.name}`.toLowerCase().includes(needle))
      .sort((a, b) => (a.namespace + a.name).localeCompare(b.namespace + b.name));
    body.replaceChildren(...items.map(listRow));
    count.textContent = String(items.length);
  };
  const renderAll = () => KINDS.forEach((k) => render(k.kind));
  filter.addEventListener('input', renderAll);

  openStream({
    onSnapshot(items) {
      rows.clear();
      for (const s of items) rows.set(keyOf(s), s);
      renderAll();
      document.body.dataset.listed = 'true';
    },
    onChange(type, s) {
      const key = keyOf(s);
      if (type === 'DELETED') rows.delete(key);
      else rows.set(key, s);
      // Only the changed row is replaced: a thousand rows stay cheap.
      const { body } = sections.get(s.kind) || {};
      if (!body) return;
      const old = body.querySelector(`tr[data-key="${CSS.escape(key)}"]`);
      if (type === 'DELETED') { if (old) old.remove(); render(s.kind); return; }
      if (old) old.replaceWith(listRow(s)); else render(s.kind);
    },
    onState: setConnection,
  });
  setInterval(() => {
    for (const cell of document.querySelectorAll('td.age')) cell.textContent = age(cell.dataset.created);
  }, 10000);
}

// ---- One release ---------------------------------------------------------------------------

function stepsOf(object) {
  const spec = object.spec || {};
  return (spec.strategy && spec.strategy.canary && spec.strategy.canary.steps) || spec.steps || [];
}

function stepText(step) {
  if ('setWeight' in step) return `setWeight ${step.setWeight}%`;
  if ('pause' in step) return step.pause && step.pause.duration ? `pause ${step.pause.duration}` : 'pause (until promoted)';
  if ('analysis' in step) return `analysis ${(step.analysis.templates || step.analysis.policies || []).map((t) => t.name || t.templateName || t).join(', ')}`;
  if ('setMirrorRoute' in step) return 'mirror';
  return Object.keys(step).join(', ');
}

async function releasePage(ns, resource, name) {
  const path = `/api/v1/namespaces/${encodeURIComponent(ns)}/${resource}/${encodeURIComponent(name)}`;
  const weights = [];  // [time, weight] seen live
  let detail;
  const root = el('div', { class: 'release' });
  main().replaceChildren(root);

  async function refresh() {
    try {
      detail = await getJson(path);
    } catch (e) {
      root.replaceChildren(el('p', { class: 'error', id: 'error' }, e.message));
      return;
    }
    const s = detail.summary;
    if (s.weight !== null && s.weight !== undefined) weights.push([Date.now() / 1000, s.weight]);
    render();
  }

  function render() {
    const { summary: s, object, analysisRuns, events, actions } = detail;
    const status = object.status || {};
    const steps = stepsOf(object);
    const current = status.currentStepIndex || 0;
    const result = el('p', { id: 'action-result', class: 'action-result', role: 'status' });
    const act = async (verb, body) => {
      result.textContent = `${verb}…`;
      const answer = await post(`${path}/${verb}`, body);
      result.textContent = answer.ok ? `${verb}: ${answer.body.outcome}` : `${verb} refused (${answer.status}): ${answer.body.message}`;
      result.dataset.status = String(answer.status);
      refresh();
    };
    const button = (verb, label, allowed, body) => el('button', {
      type: 'button', dataset: { action: label.replace(/ /g, '-') }, disabled: !allowed,
      title: allowed ? '' : 'Not allowed: read-only, or RBAC does not let you patch this object',
      onclick: () => act(verb, body),
    }, label);
    const flags = ((status.canary || {}).flags || []);
    root.replaceChildren(
      el('h1', {}, `${s.kind} ${s.namespace}/${s.name} `, phaseBadge(s.phase)),
      el('p', { class: 'message', id: 'status-message' }, s.message || ''),
      el('div', { class: 'actions' },
        button('promote', 'promote', actions.promote),
        button('promote', 'promote full', actions.promote, { full: true }),
        button('abort', 'abort', actions.abort),
        button('retry', 'retry', actions.retry),
        resource === 'rollouts' ? button('pause', 'pause', actions.pause) : null,
        resource === 'rollouts' ? button('resume', 'resume', actions.resume) : null),
      result,
      el('section', { class: 'facts' }, table(['Step', 'Weight', 'Strategy', 'Current revision', 'Stable revision', 'Promoted by'], [
        el('tr', {}, el('td', { id: 'step' }, s.step || '-'), el('td', { id: 'weight' }, s.weight === null ? '-' : `${s.weight}%`),
          el('td', {}, s.strategy || ''), el('td', {}, s.currentRevision || ''), el('td', {}, s.stableRevision || ''),
          el('td', { id: 'promoted-by' }, s.promotedBy || '')),
      ])),
      el('section', {}, el('h2', {}, 'Traffic'), trafficView(steps, current, weights, events)),
      el('section', {}, el('h2', {}, 'Steps'), el('ol', { class: 'steps' }, steps.map((st, i) =>
        el('li', { class: i < current ? 'done' : i === current ? 'current' : 'todo' }, stepText(st))))),
      el('section', {}, el('h2', {}, 'Analysis'),
        analysisRuns.length
          ? el('p', {}, el('a', { href: `${location.pathname.replace(/\/analysis$/, '')}/analysis`, id: 'analysis-link' }, `${analysisRuns.length} AnalysisRun(s): the evidence`))
          : el('p', {}, 'No AnalysisRun yet.')),
      el('section', {}, el('h2', {}, 'Bound flags'), flags.length
        ? table(['FeatureFlag', 'Flag', 'Variant', 'Weight', 'Revision', 'Promoted'], flags.map((f) => el('tr', {},
          el('td', {}, f.featureFlag), el('td', {}, f.flag), el('td', {}, f.variant), el('td', {}, f.weight === undefined ? '-' : `${f.weight}%`),
          el('td', {}, f.revision || ''), el('td', {}, f.promoted ? 'yes' : 'no'))))
        : el('p', {}, 'None.')),
      el('section', {}, el('h2', {}, 'Revisions and history'), table(['Revision', 'Images', 'Git SHA', 'Result', 'Started', 'Why'],
        (status.history || []).slice().reverse().map((h) => el('tr', {},
          el('td', {}, h.revision), el('td', {}, (h.images || []).join(', ')), el('td', { class: 'sha' }, (h.gitSha || '').slice(0, 12)),
          el('td', {}, h.result || ''), el('td', {}, age(h.startedAt)), el('td', {}, h.reason || h.changeCause || ''))),
      { id: 'history' })),
      el('section', {}, el('h2', {}, 'Events'), table(['Type', 'Reason', 'Age', 'Message'],
        events.slice().sort((a, b) => Date.parse(b.lastTimestamp || b.eventTime || 0) - Date.parse(a.lastTimestamp || a.eventTime || 0))
          .map((e) => el('tr', {}, el('td', {}, e.type), el('td', {}, e.reason), el('td', {}, age(e.lastTimestamp || e.eventTime)), el('td', {}, e.message))),
      { id: 'events' })));
  }

  await refresh();
  let pending = null;
  openStream({
    onSnapshot() {},
    onChange(type, s) {
      if (s.namespace !== ns || s.name !== name || resourceOf(s.kind) !== resource) return;
      if (s.weight !== null && s.weight !== undefined) weights.push([Date.now() / 1000, s.weight]);
      clearTimeout(pending);
      pending = setTimeout(refresh, 150);
    },
    onState: setConnection,
  });
}

// The canary's weight over time, from what the Events record (a new revision starts at 0%,
// each "weight N%" step, a promotion ends at 100%, an abort at 0%) and what the stream showed
// while the page was open, as a stepped line; then the planned weights step by step.
export function weightSeries(events, live, now = Date.now() / 1000) {
  const points = [];
  for (const e of events) {
    const t = Date.parse(e.lastTimestamp || e.eventTime || e.firstTimestamp) / 1000;
    if (!Number.isFinite(t)) continue;
    const weight = /weight (\d+)%/.exec(e.message || '');
    if (e.reason === 'NewRevision') points.push([t, 0]);
    else if (weight && (e.reason === 'StepCompleted' || e.reason === 'Promoted')) points.push([t, Number(weight[1])]);
    else if (e.reason === 'Promoted') points.push([t, 100]);
    else if (e.reason === 'RolloutAborted') points.push([t, 0]);
  }
  points.push(...live);
  points.sort((a, b) => a[0] - b[0]);
  if (points.length) points.push([now, points[points.length - 1][1]]);
  return [points.map((p) => p[0]), points.map((p) => p[1])];
}

function trafficView(steps, current, weights, events) {
  let weight = 0;
  const planned = steps.map((s) => { if ('setWeight' in s) weight = s.setWeight; return weight; });
  const series = weightSeries(events, weights);
  const holder = el('div', { class: 'chart', id: 'traffic-chart' });
  if (series[0].length > 1) {
    requestAnimationFrame(() => new uPlot({
      width: Math.min(900, (document.getElementById('main').clientWidth || 840) - 60),
      height: 180,
      scales: { x: { time: true }, y: { range: [0, 100] } },
      series: [{}, { label: 'canary weight %', stroke: '#0550ae', fill: 'rgba(5,80,174,.08)', paths: uPlot.paths.stepped({ align: 1 }) }],
    }, series, holder));
  }
  return el('div', { class: 'traffic' }, holder,
    el('ol', { class: 'planned' }, planned.map((w, i) => el('li', { class: i === current ? 'current' : i < current ? 'done' : '' },
      el('meter', { min: 0, max: 100, value: w }), el('span', {}, ` ${w}%`)))));
}

// ---- Start ---------------------------------------------------------------------------------

async function start() {
  const me = await loadSession();
  document.getElementById('user').textContent = me.user.username;
  document.getElementById('read-only').hidden = !me.readOnly;
  document.getElementById('logout').addEventListener('click', async () => {
    await post('/logout');
    window.location.assign('/login');
  });
  const parts = location.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'namespaces' && parts.length === 5 && parts[4] === 'analysis') {
    await analysisPage(parts[1], parts[2], parts[3], setConnection);
  } else if (parts[0] === 'namespaces' && parts.length === 4) {
    await releasePage(parts[1], parts[2], parts[3]);
  } else {
    listPage();
  }
}

start().catch((e) => {
  main().replaceChildren(el('p', { class: 'error', id: 'error' }, e.message));
});
