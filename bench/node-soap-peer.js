// The benchmark peer (issue 9, item d): the same Debitsuccess SOAP operation served by
// node-soap (npm `soap`) from our own WSDL, with an in-memory store. It applies the same
// rules on the success path (credentials, reference lookup, status, past-date and
// final-bill-date checks) so the comparison is like for like, minus durability.
//
// usage: node node-soap-peer.js <port> <single-wsdl-file>
'use strict';
const http = require('http');
const fs = require('fs');
const crypto = require('crypto');
const soap = require('soap');

const port = Number(process.argv[2] || 8099);
const wsdl = fs.readFileSync(process.argv[3], 'utf8');

// The demo tenant's users and accounts, as plain objects (no persistence).
const users = { 'ds-gym': 'Gym-Pass-2024' };
const accounts = new Map([
  ['DS1000001', { status: 'Active', external: 'EXT-ALPHA-1', finalBill: null, termination: null }],
  ['DS1000007', { status: 'Active', external: 'EXT-BILLED', finalBill: '2030-06-30', termination: null }],
]);

function note(code, text, type) {
  return { Code: code, Note: text, NoteType: type };
}

function reply(notes, ok) {
  return {
    AdjustAccountTerminationDateResult: {
      DateCreated: new Date().toISOString(),
      Id: crypto.randomUUID(),
      ResponseNotes: { ResponseMessageNote: notes },
      Status: ok ? 'Succeed' : 'Failed',
    },
  };
}

function adjust(args) {
  const req = args.request || {};
  const user = req.User || {};
  if (!user.Username || users[user.Username] !== user.Password) {
    return reply([note('02', 'Invalid user credentials', 'Error')], false);
  }
  const ref = req.AccountReferenceNo;
  if (!ref) {
    return reply([note('12016', 'Missing required reference number.', 'Error')], false);
  }
  const account = accounts.get(String(ref));
  if (!account) return reply([note('08', 'There is no record found with this criteria', 'Error')], false);
  if (account.status !== 'Active') return reply([note('10', 'Account is not active', 'Error')], false);
  const date = String(req.TerminationDate instanceof Date ? req.TerminationDate.toISOString() : req.TerminationDate).slice(0, 10);
  const today = new Date().toISOString().slice(0, 10);
  if (date < today) return reply([note('14091', 'Termination date cannot be in the past', 'Error')], false);
  if (account.finalBill && date < account.finalBill) {
    return reply([note('14079', 'Termination date already billed', 'Error')], false);
  }
  account.termination = date;
  return reply([note('00', 'Success', 'Info')], true);
}

const service = {
  DSServices: {
    BasicHttpBinding_IDSServices: { AdjustAccountTerminationDate: adjust },
    BasicHttpBinding_IDSServices1: { AdjustAccountTerminationDate: adjust },
  },
};

const server = http.createServer((req, res) => {
  res.statusCode = 404;
  res.end();
});
server.keepAliveTimeout = 60000;
server.listen(port, '127.0.0.1', () => {
  soap.listen(server, '/DSWebService/DSServices.svc', service, wsdl);
  console.log(`node-soap peer on 127.0.0.1:${port}`);
});
