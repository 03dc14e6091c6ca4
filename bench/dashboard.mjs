// bench/dashboard.sh's browser half: logs in with the one-time link, then measures the list's
// first paint (5 loads) and the status-change-to-row latency (20 changes). Prints one line.
// playwright-core from tests/browser (ES modules ignore NODE_PATH: the path is passed in).
const { chromium } = await import(process.env.PLAYWRIGHT);

const { LINK, COUNT, NS, PROXY } = process.env;
const count = Number(COUNT);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
await page.goto(LINK);  // sets the session cookie, then the list
const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};

const paints = [];
for (let run = 0; run < 5; run += 1) {
  await page.reload();
  // performance.now() counts from the navigation's start.
  const ms = await page.evaluate((n) => new Promise((resolve) => {
    const check = () => {
      if (document.querySelectorAll('#list-rollouts tbody tr').length >= n) {
        requestAnimationFrame(() => resolve(performance.now()));
      } else {
        setTimeout(check, 5);
      }
    };
    check();
  }), count);
  paints.push(ms);
}

const latencies = [];
for (let i = 0; i < 20; i += 1) {
  const name = `svc-${String((i * 37) % count).padStart(4, '0')}`;
  const marker = `bench-${Date.now()}-${i}`;
  const key = `Rollout/${NS}/${name}`;
  const seen = page.evaluate(([k, m]) => new Promise((resolve) => {
    const check = () => {
      const cell = document.querySelector(`tr[data-key="${k}"] td.message`);
      if (cell && cell.textContent === m) resolve(Date.now()); else requestAnimationFrame(check);
    };
    check();
  }), [key, marker]);
  const t0 = Date.now();
  const answer = await fetch(`${PROXY}/apis/cutover.dev/v1alpha1/namespaces/${NS}/rollouts/${name}/status`, {
    method: 'PATCH',
    headers: { 'Content-Type': 'application/merge-patch+json' },
    body: JSON.stringify({ status: { message: marker, phase: 'Progressing' } }),
  });
  if (!answer.ok) throw new Error(`patch ${name}: HTTP ${answer.status}`);
  latencies.push((await seen) - t0);
}
await browser.close();
const median = (v) => quantile(v, 0.5);
console.log(`dashboard: first paint of ${count} Rollouts ${median(paints).toFixed(0)} ms median of 5 (max ${Math.max(...paints).toFixed(0)}; goal < 1000 ms) | status change to browser over SSE ${median(latencies)} ms median, ${quantile(latencies, 0.95)} ms p95 of 20 (goal < 500 ms)`);
