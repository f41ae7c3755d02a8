#!/usr/bin/env node
// The console end to end in headless Debian chromium, JavaScript off (the console works
// without it): sign in, open the jobs, retry a failed job, open the webhooks and one's
// deliveries, refuse CSRF-less POSTs, sign out (the session is revoked). Every request the
// browser makes must stay on 127.0.0.1, and no page may break its Content-Security-Policy.
// Screenshots (PNG) go to OUT_DIR.
//
// Usage: console_e2e.js BASE_URL FAILED_JOB_ID WEBHOOK_ID OUT_DIR
'use strict';
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const [base, jobId, webhookId, outDir] = process.argv.slice(2);
if (!base || !jobId || !webhookId || !outDir) {
  console.error('usage: console_e2e.js BASE_URL FAILED_JOB_ID WEBHOOK_ID OUT_DIR');
  process.exit(2);
}
const OPERATOR = ['operator', 'Operator-Pass-2024'];

function check(condition, message) {
  if (!condition) throw new Error(message);
}

(async () => {
  fs.mkdirSync(outDir, { recursive: true });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const offsite = [];
  const violations = [];
  try {
    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 1280, height: 820 },
    });
    // Every request the pages make: anything not to 127.0.0.1 is recorded and aborted.
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.hostname !== '127.0.0.1') {
        offsite.push(url.href);
        return route.abort();
      }
      return route.continue();
    });
    const page = await context.newPage();
    page.on('console', (msg) => {
      if (/Content.Security.Policy|Refused to/i.test(msg.text())) violations.push(msg.text());
    });
    const shot = (name) => page.screenshot({ path: path.join(outDir, name), fullPage: true });

    // Signed out, the console sends the browser to sign in.
    await page.goto(`${base}/console/`);
    check(new URL(page.url()).pathname === '/console/login', `not at sign-in: ${page.url()}`);
    await page.getByLabel('Operator').fill(OPERATOR[0]);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    check((await page.getByRole('alert').innerText()).includes('Wrong operator name or password'),
      'a wrong password is not reported');
    await page.getByLabel('Operator').fill(OPERATOR[0]);
    await page.getByLabel('Password').fill(OPERATOR[1]);
    await shot('login.png');
    await page.getByRole('button', { name: 'Sign in' }).click();
    check(new URL(page.url()).pathname === '/console', `not at the dashboard: ${page.url()}`);
    check((await page.locator('header').innerText()).includes('Signed in as operator'), 'not signed in');
    // The inline stylesheet applied: its hash in the Content-Security-Policy is right.
    const headerColour = await page.locator('header').evaluate((el) => getComputedStyle(el).backgroundColor);
    check(headerColour === 'rgb(31, 51, 71)', `the stylesheet did not apply (header ${headerColour})`);
    await shot('dashboard.png');

    // The session cookie's flags, as the browser holds it.
    const session = (await context.cookies()).find((c) => c.name === 'bc_console');
    check(session && session.httpOnly && session.sameSite === 'Strict' && session.path === '/console',
      `session cookie flags: ${JSON.stringify(session)}`);

    // Jobs: the failed job is listed with a Retry button; retry it.
    await page.getByRole('link', { name: 'Jobs' }).click();
    const row = page.locator('tr', { hasText: jobId });
    await row.waitFor();
    check((await row.innerText()).includes('no handler for this job kind'), 'the job\'s error is not shown');
    await shot('jobs.png');
    await row.getByRole('button', { name: 'Retry' }).click();
    check(new URL(page.url()).pathname === `/console/jobs/${jobId}`, `not at the job: ${page.url()}`);
    check((await page.getByRole('status').innerText()).includes('Queued again'), 'no retry notice');
    await shot('job-retried.png');

    // A POST without the form's token, and one from another origin, change nothing.
    const forged = await context.request.post(`${base}/console/jobs/${jobId}/retry`, {
      form: { nothing: 'here' }, maxRedirects: 0,
    });
    check(forged.status() === 403, `a CSRF-less POST answered ${forged.status()}`);
    const csrf = await page.locator('header input[name="csrf"]').getAttribute('value');
    const crossSite = await context.request.post(`${base}/console/jobs/${jobId}/retry`, {
      form: { csrf }, headers: { Origin: 'http://evil.example' }, maxRedirects: 0,
    });
    check(crossSite.status() === 403, `a cross-site POST answered ${crossSite.status()}`);

    // Webhooks: the list, then one's deliveries.
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await shot('webhooks.png');
    await page.locator(`a[href="/console/webhooks/${webhookId}"]`).click();
    await page.getByRole('heading', { name: 'Deliveries' }).waitFor();
    await shot('webhook.png');

    // Sign out: back at sign-in, and the old session cookie is refused from now on.
    const cookieHeader = `bc_console=${session.value}`;
    await page.getByRole('button', { name: 'Sign out' }).click();
    check(new URL(page.url()).pathname === '/console/login', `not signed out: ${page.url()}`);
    const replay = await fetch(`${base}/console/jobs`, { headers: { Cookie: cookieHeader }, redirect: 'manual' });
    check(replay.status === 303, `the revoked session still opens pages (${replay.status})`);

    check(offsite.length === 0, `requests left 127.0.0.1: ${offsite.join(', ')}`);
    check(violations.length === 0, `Content-Security-Policy violations: ${violations.join(' | ')}`);
    console.log(`console e2e passed; screenshots in ${outDir}`);
  } finally {
    await browser.close();
  }
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
