// The dashboard in a real browser: Debian's Chromium, headless, driven by playwright-core (no
// browser download). Run by tests/e2e/dashboard/dashboard_browser.sh, which prepares a canary
// Rollout under a running operator and a dashboard, and passes in:
//   BASE (the dashboard's URL), NS and OTHER_NS, RELEASER and READER (minted ServiceAccount
//   tokens: one may patch Rollouts in NS, one may only read there), SHOTS (the folder for the
//   screenshots), RELEASE (a shell command that starts the canary's release).
// Each step prints one line; a failed step throws, and the screenshot of the moment is kept.
import { chromium } from 'playwright-core';
import { execSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

const { BASE, NS, OTHER_NS, RELEASER, READER, SHOTS, RELEASE } = process.env;
mkdirSync(SHOTS, { recursive: true });
const log = (line) => console.log(`[browser] ${line}`);
let shot = 0;
const snap = async (page, name) => {
  shot += 1;
  const file = `${SHOTS}/${String(shot).padStart(2, '0')}-${name}.png`;
  await page.screenshot({ path: file, fullPage: true });
  log(`screenshot ${file}`);
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox'],
});
const violations = [];
async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  // A Content-Security-Policy violation or a script error is a failure of the pages.
  // (A refused request's "Failed to load resource" is expected here: the 401 and 403 are tested.)
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) violations.push(m.text());
  });
  page.on('pageerror', (e) => violations.push(String(e)));
  return page;
}
async function login(page, token) {
  await page.goto(`${BASE}/login`);
  await page.fill('#token', token);
  await Promise.all([page.waitForURL(`${BASE}/`), page.click('#login')]);
}

const page = await newPage();
try {
  // 1. Log in with a minted ServiceAccount token.
  const anonymous = await page.goto(`${BASE}/`);
  if (anonymous.status() !== 401) throw new Error(`an anonymous visit answered ${anonymous.status()}`);
  await page.waitForURL(`${BASE}/login`, { timeout: 5000 });
  log('an anonymous visit: 401, then the login form');
  await login(page, RELEASER);
  await page.waitForSelector('body[data-listed="true"]');
  await page.waitForSelector(`#list-rollouts tr[data-key="Rollout/${NS}/web"]`);
  log(`logged in as ${await page.textContent('#user')}`);
  await snap(page, 'logged-in');

  // 2. Only the permitted namespace.
  const namespaces = await page.$$eval('#list-rollouts td.namespace', (cells) => [...new Set(cells.map((c) => c.textContent))]);
  if (namespaces.length !== 1 || namespaces[0] !== NS) throw new Error(`namespaces shown: ${namespaces.join(', ')}`);
  if (await page.$(`tr[data-key="Rollout/${OTHER_NS}/web"]`)) throw new Error(`${OTHER_NS} is shown`);
  log(`only namespace ${NS} is shown (not ${OTHER_NS})`);

  // 3. Watch the canary advance live: no reload, the row follows the stream.
  const row = `#list-rollouts tr[data-key="Rollout/${NS}/web"]`;
  await page.evaluate(() => { window.__noReload = true; });
  execSync(RELEASE, { stdio: 'inherit' });
  const seen = [];
  const started = Date.now();
  for (const weight of ['20%', '40%']) {
    await page.waitForFunction(([sel, w]) => document.querySelector(`${sel} td.weight`)?.textContent === w,
      [row, weight], { timeout: 60000 });
    seen.push(`${weight} at +${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (weight === '20%') await snap(page, 'canary-at-20');
  }
  if (!(await page.evaluate(() => window.__noReload))) throw new Error('the page reloaded');
  log(`the list followed the canary live: ${seen.join(', ')}`);
  await page.waitForFunction((sel) => document.querySelector(`${sel} td.phase-cell`)?.textContent === 'Paused', row, { timeout: 90000 });
  log('the analysis passed and the release paused for promotion');
  await snap(page, 'paused');

  // 4. The analysis page: the measured values.
  await page.click(`${row} td.name a`);
  await page.waitForSelector('#analysis-link');
  await page.click('#analysis-link');
  await page.waitForSelector('section.metric td.measurement-value');
  const values = await page.$$eval('section.metric td.measurement-value', (cells) => cells.map((c) => c.textContent));
  const numbers = values.map(Number).filter((v) => Number.isFinite(v));
  if (numbers.length < 3) throw new Error(`measured values shown: ${values.join(', ')}`);
  const verdicts = await page.$$eval('section.metric td.verdict', (cells) => cells.map((c) => c.textContent));
  await page.waitForSelector('section.metric .chart canvas', { timeout: 10000 });
  const condition = await page.textContent('section.metric p.condition');
  log(`analysis page: ${numbers.length} measurements (${numbers.join(', ')}), verdicts ${[...new Set(verdicts)].join('/')}, ${condition.trim()}, chart drawn`);
  await snap(page, 'analysis');

  // 5. Promote, recorded as the user who did it.
  await page.goto(`${BASE}/namespaces/${NS}/rollouts/web`);
  await page.waitForSelector('button[data-action="promote"]:not([disabled])');
  await page.click('button[data-action="promote"]');
  await page.waitForFunction(() => /promoted/.test(document.querySelector('#action-result')?.textContent || ''), null, { timeout: 10000 });
  log(`promote: ${await page.textContent('#action-result')}`);
  await page.waitForFunction(() => /via the dashboard/.test(document.querySelector('#promoted-by')?.textContent || ''), null, { timeout: 20000 });
  log(`promoted by: ${await page.textContent('#promoted-by')}`);
  await snap(page, 'promoted');

  // 6. A user who may only read: no enabled action, and the API answers 403 to a promote.
  const reader = await newPage();
  await login(reader, READER);
  await reader.goto(`${BASE}/namespaces/${NS}/rollouts/web`);
  await reader.waitForSelector('button[data-action="promote"]');
  const disabled = await reader.$eval('button[data-action="promote"]', (b) => b.disabled);
  if (!disabled) throw new Error('the reader has an enabled promote button');
  const status = await reader.evaluate(async ([ns]) => {
    const session = await (await fetch('/api/v1/session')).json();
    const answer = await fetch(`/api/v1/namespaces/${ns}/rollouts/web/promote`, {
      method: 'POST', headers: { 'X-CSRF-Token': session.csrfToken, 'Content-Type': 'application/json' }, body: '',
    });
    return answer.status;
  }, [NS]);
  if (status !== 403) throw new Error(`the reader's promote answered ${status}`);
  log(`reader: promote button disabled, POST promote answered ${status}`);
  await snap(reader, 'reader');

  if (violations.length) throw new Error(`console errors (CSP violations, script errors): ${violations.join(' | ')}`);
  log('no console error and no CSP violation');
} catch (e) {
  await snap(page, 'failure').catch(() => {});
  console.error(`[browser] FAIL: ${e.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
