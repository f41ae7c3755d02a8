#!/usr/bin/env node
// node-soap (npm `soap`) against the served WSDL (?wsdl and ?singleWsdl): SOAP 1.1 on the
// first port and SOAP 1.2 (forceSoap12Headers) on the second, for success and every error
// code reachable with the demo data, a replayed request Id and 09, and the account read.
'use strict';
const path = require('path');
const soap = require(path.join(__dirname, '..', '..', 'node_modules', 'soap'));

const service = `${process.env.BASE_URL.replace(/\/$/, '')}/DSWebService/DSServices.svc`;
const user = { Username: 'ds-gym', Password: 'Gym-Pass-2024' };

function aucklandToday() {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Pacific/Auckland' }).format(new Date());
  return parts; // YYYY-MM-DD
}

function yesterday() {
  const d = new Date(`${aucklandToday()}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

const cases = () => [
  ['00 success', { User: user, AccountReferenceNo: 'DS1000001', TerminationDate: '2031-12-31' }, ['00']],
  ['02 wrong password', { User: { Username: 'ds-gym', Password: 'nope' }, AccountReferenceNo: 'DS1000001', TerminationDate: '2031-12-31' }, ['02']],
  ['100 no TerminationDate', { User: user, AccountReferenceNo: 'DS1000001' }, ['100']],
  ['13203 reference too long', { User: user, AccountReferenceNo: 'DS1000001-TOO-LONG', TerminationDate: '2031-12-31' }, ['13203']],
  ['12016 no reference', { User: user, TerminationDate: '2031-12-31' }, ['12016']],
  ['14020 time part', { User: user, AccountReferenceNo: 'DS1000001', TerminationDate: '2031-12-31T10:30:00' }, ['14020', '00']],
  ['14091 in the past', { User: user, AccountReferenceNo: 'DS1000001', TerminationDate: yesterday() }, ['14091']],
  ['08 no record', { User: user, AccountReferenceNo: 'DS9999999', TerminationDate: '2031-12-31' }, ['08']],
  ['07 multiple accounts', { User: user, ExternalAccountReferenceNo: 'EXT-SHARED', TerminationDate: '2031-12-31' }, ['07']],
  ['10 not active', { User: user, AccountReferenceNo: 'DS1000002', TerminationDate: '2031-12-31' }, ['10']],
  ['14079 already billed', { User: user, AccountReferenceNo: 'DS1000007', TerminationDate: '2030-01-01' }, ['14079']],
];

const notes = (result) => [].concat(result.ResponseNotes.ResponseMessageNote).map((n) => n.Code);

function check(name, got, expected) {
  if (JSON.stringify(got) !== JSON.stringify(expected)) {
    throw new Error(`${name}: got ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}`);
  }
  console.log(`ok   ${name}: ${got.join(', ')}`);
}

async function run(document, port, soap12) {
  const client = await soap.createClientAsync(service + document, soap12 ? { forceSoap12Headers: true } : {});
  const methods = client.DSServices[port];
  const call = (name, request) => new Promise((resolve, reject) =>
    methods[name]({ request }, (err, result, raw) => (err ? reject(err) : resolve([result, raw]))));
  const tag = `node-soap${document} ${port}`;
  for (const [name, request, expected] of cases()) {
    const [result, raw] = await call('AdjustAccountTerminationDate', request);
    const envelope = soap12 ? 'http://www.w3.org/2003/05/soap-envelope' : 'http://schemas.xmlsoap.org/soap/envelope/';
    if (!raw.includes(envelope)) throw new Error(`${tag} ${name}: reply not in the request's SOAP version`);
    check(`${tag} ${name}`, notes(result.AdjustAccountTerminationDateResult), expected);
  }
  const id = `node-${port}-${document}-${Date.now()}`;
  const first = { User: user, Id: id, AccountReferenceNo: 'DS1000001', TerminationDate: '2031-12-31' };
  const [a] = await call('AdjustAccountTerminationDate', first);
  const [b] = await call('AdjustAccountTerminationDate', first);
  if (a.AdjustAccountTerminationDateResult.Id !== b.AdjustAccountTerminationDateResult.Id) throw new Error('not replayed');
  const [c] = await call('AdjustAccountTerminationDate', { ...first, TerminationDate: '2031-12-30' });
  check(`${tag} repeated Id, other body`, notes(c.AdjustAccountTerminationDateResult), ['09']);
  const [got] = await call('GetCustomerAccountByAccountId', { User: user, AccountReferenceNo: 'DS1000001' });
  const result = got.GetCustomerAccountByAccountIdResult;
  check(`${tag} GetCustomerAccountByAccountId`, notes(result), ['00']);
  if (result.Account.AccountReferenceNo !== 'DS1000001') throw new Error('wrong account');
}

(async () => {
  for (const document of ['?wsdl', '?singleWsdl']) {
    await run(document, 'BasicHttpBinding_IDSServices', false);
    await run(document, 'BasicHttpBinding_IDSServices1', true);
  }
})().catch((e) => { console.error(`FAIL ${e.stack || e}`); process.exit(1); });
