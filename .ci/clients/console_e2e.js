#!/usr/bin/env node
// The console end to end in headless Debian chromium, JavaScript off (the console works
// without it): sign in, open the jobs, retry a failed job, open the webhooks and one's
// deliveries, refuse CSRF-less POSTs; make a Debitsuccess request with a known X-Request-Id,
// find it on the requests page by that id, open it (its password masked), open the traffic
// and the account it changed (the change in its history); sign out (the session is revoked). Every request the
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

    // A vendor request with a known X-Request-Id (the journal's writer stores it off the
    // request path, in batches).
    const requestId = `e2e-journal-${Date.now()}`;
    const password = 'Gym-Pass-2024';
    const soap = await fetch(`${base}/DSWebService/DSServices.svc`, {
      method: 'POST',
      headers: {
        'Content-Type': 'text/xml; charset=utf-8',
        SOAPAction: '"Debitsuccess.WebServices.WCF/IDSServices/AdjustAccountTerminationDate"',
        'X-Request-Id': requestId,
      },
      body: `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
<AdjustAccountTerminationDate xmlns="Debitsuccess.WebServices.WCF"><request xmlns:a="http://schemas.datacontract.org/2004/07/Debitsuccess.WebServices.Core">
<a:RequestInitiator>console e2e</a:RequestInitiator><a:User><a:Password>${password}</a:Password><a:Username>ds-gym</a:Username></a:User>
<a:AccountReferenceNo>DS1000001</a:AccountReferenceNo><a:TerminationDate>2035-01-31</a:TerminationDate>
</request></AdjustAccountTerminationDate></s:Body></s:Envelope>`,
    });
    check(soap.status === 200, `the Debitsuccess request answered ${soap.status}`);

    // Requests: filter by the request id with the form until the writer has stored it.
    await page.getByRole('link', { name: 'Requests' }).click();
    const found = page.locator('tbody tr', { hasText: requestId });
    for (let attempt = 0; ; attempt++) {
      await page.getByLabel('Request id').fill(requestId);
      await page.getByRole('button', { name: 'Show' }).click();
      if (await found.count() === 1) break;
      check(attempt < 50, `request ${requestId} is not on the requests page`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    check((await found.innerText()).includes('AdjustAccountTerminationDate'), 'the operation is not listed');
    await shot('requests.png');
    await found.getByRole('link', { name: requestId }).click();
    check(new URL(page.url()).pathname.startsWith('/console/requests/'), `not at the request: ${page.url()}`);
    const requestBody = await page.locator('#request-body').innerText();
    check(requestBody.includes('<a:Password>***</a:Password>'), `the password is not masked: ${requestBody}`);
    check(!(await page.content()).includes(password), 'the password is on the request page');
    check((await page.locator('#reply-body').innerText()).includes('Succeed'), 'the reply is not shown');
    await shot('request.png');

    // Traffic: the chart and the request's (API, operation, outcome) row.
    await page.getByRole('link', { name: 'Traffic' }).click();
    await page.locator('svg.chart').waitFor();
    const traffic = page.locator('tbody tr', { hasText: 'AdjustAccountTerminationDate' });
    check(await traffic.count() >= 1, 'the traffic table does not count the request');
    await shot('traffic.png');

    // Accounts: the account the request changed, with the change in its history.
    await page.getByRole('link', { name: 'Accounts' }).click();
    await page.getByLabel('Tenant').fill('acme');
    await page.getByLabel('Identifier').fill('DS1000001');
    await page.getByRole('button', { name: 'Find' }).click();
    await shot('accounts.png');
    await page.getByRole('link', { name: 'DS1000001' }).click();
    check(new URL(page.url()).pathname.startsWith('/console/accounts/'), `not at the account: ${page.url()}`);
    const change = page.locator('tbody tr', { hasText: requestId });
    check(await change.count() === 1, 'the change is not in the account\'s history');
    check((await change.innerText()).includes('2035-01-31'), 'the history does not show the new date');
    await shot('account.png');

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
