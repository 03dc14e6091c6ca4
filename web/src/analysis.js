// The analysis page: the evidence behind every verdict. For each AnalysisRun of the release and
// each of its metrics, the measurements over time as a chart (uPlot), the success condition
// drawn on it as a line, each measurement's verdict (no-data, errors and inconclusive ones as
// such), and the query as it was rendered and sent.
import uPlot from 'uplot';
import { getJson, openStream } from './api.js';
import { el, table, age, phaseBadge } from './dom.js';

// The number a condition compares `result` with, e.g. 0.01 in `result < 0.01` (or in
// `result[0] >= 0.99`); null when it compares with something else.
export function conditionThreshold(condition) {
  if (!condition) return null;
  const match = /result(?:\[\d+\])?\s*(<=|>=|<|>|==)\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)/i.exec(condition);
  return match ? Number(match[2]) : null;
}

// A measurement's value as a number (the first one of "[0.99, 180]"); null when it has none.
export function measuredNumber(value) {
  if (value === undefined || value === null || value === '') return null;
  const match = /-?\d+(?:\.\d+)?(?:e-?\d+)?/i.exec(String(value));
  return match ? Number(match[0]) : null;
}

function queriesOf(metric) {
  if (metric.threshold) return [['query', metric.threshold.query]];
  if (metric.burnRate) return [['errors', metric.burnRate.errorQuery], ['total', metric.burnRate.totalQuery]];
  if (metric.compare) return [['canary', metric.compare.canaryQuery], ['baseline', metric.compare.baselineQuery]];
  return [];
}

function conditionOf(metric) {
  if (metric.threshold) return metric.threshold.successCondition || (metric.threshold.failureCondition ? `fails when ${metric.threshold.failureCondition}` : '');
  if (metric.burnRate) return `error budget ${metric.burnRate.objective}%: burn rate under each window's limit`;
  if (metric.compare) return `canary vs baseline (${metric.compare.direction}), confidence ${metric.compare.confidence}`;
  return '';
}

function chart(measurements, threshold, width) {
  const points = measurements
    .map((m) => [Date.parse(m.finishedAt || m.startedAt) / 1000, measuredNumber(m.value), m.phase])
    .filter((p) => !Number.isNaN(p[0]));
  const xs = points.map((p) => p[0]);
  const ok = points.map((p) => (p[2] === 'Successful' ? p[1] : null));
  const bad = points.map((p) => (p[2] !== 'Successful' ? p[1] : null));
  const series = [{}, { label: 'passed', stroke: '#1a7f37', points: { show: true, size: 7 }, spanGaps: true },
    { label: 'failed or inconclusive', stroke: '#cf222e', points: { show: true, size: 9 }, width: 0 }];
  const data = [xs, ok, bad];
  if (threshold !== null) {
    series.push({ label: `condition ${threshold}`, stroke: '#9a6700', dash: [6, 4], points: { show: false } });
    data.push(xs.map(() => threshold));
  }
  const holder = el('div', { class: 'chart' });
  if (xs.length === 0) return holder;
  // uPlot styles through the CSSOM only: it runs under the strict Content-Security-Policy.
  requestAnimationFrame(() => new uPlot({ width, height: 220, series, scales: { x: { time: true } } }, data, holder));
  return holder;
}

function metricSection(run, spec, result) {
  const measurements = (result && result.measurements) || [];
  const threshold = spec ? conditionThreshold(spec.threshold && spec.threshold.successCondition) : null;
  const width = Math.min(900, document.getElementById('main').clientWidth - 40 || 800);
  return el('section', { class: 'metric', dataset: { metric: result ? result.name : spec.name } },
    el('h3', {}, result ? result.name : spec.name, ' ', phaseBadge(result ? result.phase : 'Pending')),
    el('p', { class: 'condition' }, 'Success condition: ', el('code', {}, spec ? conditionOf(spec) || '(none)' : '(unknown)')),
    result ? el('p', { class: 'counts' },
      `measured ${result.count || 0}, successful ${result.successful || 0}, failed ${result.failed || 0}, inconclusive ${result.inconclusive || 0}, errors ${result.error || 0}`) : null,
    chart(measurements, threshold, width),
    table(['Finished', 'Value', 'Verdict', 'Message'], measurements.slice().reverse().map((m) => el('tr', { class: `verdict-${String(m.phase).toLowerCase()}` },
      el('td', {}, m.finishedAt || m.startedAt), el('td', { class: 'measurement-value' }, m.value === '' || m.value === undefined ? '(no value)' : m.value),
      el('td', { class: 'verdict' }, m.phase), el('td', {}, m.message || '')))),
    el('details', { class: 'queries' }, el('summary', {}, 'Rendered queries'),
      queriesOf(spec || {}).map(([label, q]) => el('div', {}, el('strong', {}, `${label}: `), el('pre', {}, q)))));
}

// The page, drawn again whenever the release changes (a new measurement moves its status).
export async function analysisPage(ns, resource, name, setConnection) {
  await drawAnalysis(ns, resource, name);
  let pending = null;
  openStream({
    onSnapshot() {},
    onChange(type, s) {
      if (s.namespace !== ns || s.name !== name || type === 'DELETED') return;
      clearTimeout(pending);
      pending = setTimeout(() => drawAnalysis(ns, resource, name), 300);
    },
    onState: setConnection,
  });
}

async function drawAnalysis(ns, resource, name) {
  const detail = await getJson(`/api/v1/namespaces/${encodeURIComponent(ns)}/${resource}/${encodeURIComponent(name)}`);
  const runs = detail.analysisRuns.slice().sort((a, b) => Date.parse(b.metadata.creationTimestamp) - Date.parse(a.metadata.creationTimestamp));
  const root = el('div', { class: 'analysis' },
    el('h1', {}, `Analysis of ${detail.summary.kind} ${ns}/${name}`),
    el('p', {}, el('a', { href: `/namespaces/${encodeURIComponent(ns)}/${resource}/${encodeURIComponent(name)}` }, 'Back to the release')));
  if (runs.length === 0) root.append(el('p', {}, 'No AnalysisRun yet.'));
  document.getElementById('main').replaceChildren(root);
  for (const run of runs) {
    const status = run.status || {};
    const specs = (run.spec && run.spec.metrics) || [];
    const results = status.metricResults || [];
    const section = el('section', { class: 'run', dataset: { run: run.metadata.name } },
      el('h2', {}, run.metadata.name, ' ', phaseBadge(status.phase || 'Pending')),
      el('p', {}, `gate ${run.spec.gate || ''}, revision ${run.spec.revision || ''}, started ${age(run.metadata.creationTimestamp)} ago`),
      status.message ? el('p', { class: 'message' }, status.message) : null);
    root.append(section);
    const keyOf = (m) => `${m.policy}/${m.name}`;
    for (const spec of specs) {
      section.append(metricSection(run, spec, results.find((r) => r.name === keyOf(spec))));
    }
    for (const result of results.filter((r) => !specs.some((s) => keyOf(s) === r.name))) {
      section.append(metricSection(run, null, result));
    }
  }
}
