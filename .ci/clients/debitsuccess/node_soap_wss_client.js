#!/usr/bin/env node
// node-soap's WSSecurity (docs/debitsuccess.md "WS-Security") against the served WSDL, SOAP 1.1 on
// the first port and SOAP 1.2 on the second: PasswordText and PasswordDigest UsernameTokens with a
// wsu:Timestamp and mustUnderstand="1", as a WCF TransportWithMessageCredential client sends them,
// the request's User left out; then a wrong password, which must come back as a SOAP fault carrying
// wsse:FailedAuthentication (faultcode in 1.1, Subcode in 1.2).
'use strict';
const path = require('path');
const soap = require(path.join(__dirname, '..', '..', 'node_modules', 'soap'));

const service = `${process.env.BASE_URL.replace(/\/$/, '')}/DSWebService/DSServices.svc`;
const adjust = { AccountReferenceNo: 'DS1000001', TerminationDate: '2031-12-31' };

const security = (username, password, passwordType) => new soap.WSSecurity(username, password, {
  passwordType, hasTimeStamp: true, hasTokenCreated: true, hasNonce: true, mustUnderstand: true,
});

const notes = (result) => [].concat(result.ResponseNotes.ResponseMessageNote).map((n) => n.Code);

function call(client, port, name, request) {
  return new Promise((resolve) => {
    client.DSServices[port][name]({ request }, (err, result, raw) => resolve({ err, result, raw }));
  });
}

async function run(document, port, soap12) {
  const tag = `node-soap-wsse${document} ${port}`;
  const client = await soap.createClientAsync(service + document, soap12 ? { forceSoap12Headers: true } : {});
  const cases = [
    ['PasswordText', 'ds-gym', 'Gym-Pass-2024'],
    ['PasswordDigest', 'ds-digest', 'Digest-Pass-2024'],
  ];
  for (const [type, username, password] of cases) {
    client.setSecurity(security(username, password, type));
    const { err, result } = await call(client, port, 'AdjustAccountTerminationDate', adjust);
    if (err) throw new Error(`${tag} ${type}: ${err.body || err}`);
    const got = notes(result.AdjustAccountTerminationDateResult);
    if (JSON.stringify(got) !== '["00"]') throw new Error(`${tag} ${type}: ${JSON.stringify(got)}`);
    const sent = client.lastRequest;
    if (!sent.includes(`#${type}`) || !sent.includes('mustUnderstand="1"')) throw new Error(`${tag} ${type}: sent ${sent}`);
    console.log(`ok   ${tag} ${type} + Timestamp: 00`);
    const read = await call(client, port, 'GetCustomerAccountByAccountId', { AccountReferenceNo: 'DS1000001' });
    if (read.err) throw new Error(`${tag} ${type} read: ${read.err.body || read.err}`);
    if (read.result.GetCustomerAccountByAccountIdResult.Account.AccountReferenceNo !== 'DS1000001') throw new Error(`${tag} read`);
    console.log(`ok   ${tag} ${type} read`);
  }
  for (const [type, username] of [['PasswordText', 'ds-gym'], ['PasswordDigest', 'ds-digest']]) {
    client.setSecurity(security(username, 'not-the-password', type));
    const { err } = await call(client, port, 'AdjustAccountTerminationDate', adjust);
    const body = err && (err.body || '');
    if (!body.includes('FailedAuthentication')) throw new Error(`${tag} wrong ${type}: expected a FailedAuthentication fault, got ${body || 'a reply'}`);
    const status = err.response && err.response.status;
    const expected = soap12 ? 400 : 500;
    if (status !== expected) throw new Error(`${tag} wrong ${type}: HTTP ${status}, expected ${expected}`);
    console.log(`ok   ${tag} wrong ${type}: fault FailedAuthentication (HTTP ${status})`);
  }
}

(async () => {
  for (const document of ['?wsdl', '?singleWsdl']) {
    await run(document, 'BasicHttpBinding_IDSServices', false);
    await run(document, 'BasicHttpBinding_IDSServices1', true);
  }
})().catch((e) => { console.error(`FAIL ${e.stack || e}`); process.exit(1); });
