// postinstall: makes postgres.js 3.4.9 survive a database connection that closes under a
// transaction (the database restarts, the network or a proxy drops it). Found by the fault suite
// (tests/multi/faults.test.ts): without these guards the bot process died on the first database
// outage, and a caught crash would leave the connection poisoned. Upstream: porsager/postgres#1154,
// #1208, #1186, #1216; the fixes (#1168, #1176, #1209, #1215) are not released. Three guards:
//  1. nextWrite: small writes are queued with setImmediate; when the socket has been set to null
//     meanwhile (closed), the write is dropped and what waits on the connection is rejected with
//     CONNECTION_CLOSED, instead of a TypeError thrown from the immediate callback (uncatchable: it
//     killed the process).
//  2. closed()/terminate() cancel the queued write but left its handle and bytes behind, so the
//     next write was never scheduled and the stale bytes (a ROLLBACK) went out in front of the next
//     connection's startup message: every reconnect of that connection ended in CONNECT_TIMEOUT.
//     They now forget both.
//  3. sql.begin(): once its connection has closed, the transaction's further queries (the ROLLBACK
//     sql.begin sends itself, anything the callback still runs) are rejected with the close error,
//     never written to that connection after it reconnects for someone else.
// Idempotent; a file whose code no longer matches is left alone with a warning (then check whether
// that postgres version still needs this, with `npm run test:multi`).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MARK = '/* jiedai: guarded */';

const connection = [
  [
    `  function nextWrite(fn) {
    const x = socket.write(chunk, fn)`,
    `  function nextWrite(fn) {
    if (socket === null) {
      nextWriteTimer !== null && clearImmediate(nextWriteTimer)
      chunk = nextWriteTimer = null
      error(Errors.connection('CONNECTION_CLOSED', options))
      return false
    }
    const x = socket.write(chunk, fn)`,
  ],
  [
    `    clearImmediate(nextWriteTimer)
    if (socket) {`,
    `    clearImmediate(nextWriteTimer)
    chunk = nextWriteTimer = null
    if (socket) {`,
  ],
  [
    `    clearImmediate(nextWriteTimer)
    socket.removeListener('data', data)`,
    `    clearImmediate(nextWriteTimer)
    chunk = nextWriteTimer = null
    socket.removeListener('data', data)`,
  ],
];

const index = [
  [
    `    let savepoints = 0
      , connection`,
    `    let savepoints = 0
      , closedWith = null
      , connection`,
  ],
  [
    `        new Promise((_, reject) => connection.onclose = reject)`,
    `        new Promise((_, reject) => connection.onclose = (e) => reject(closedWith = e || Errors.connection('CONNECTION_CLOSED', options)))`,
  ],
  [
    `      function handler(q) {
        q.catch(e => uncaughtError || (uncaughtError = e))`,
    `      function handler(q) {
        q.catch(e => uncaughtError || (uncaughtError = e))
        if (closedWith)
          return q.reject(closedWith)`,
  ],
];

let patched = 0;
for (const rel of ['src', 'cjs/src', 'cf/src']) {
  for (const [name, edits] of [['connection.js', connection], ['index.js', index]]) {
    const file = path.join(root, 'node_modules', 'postgres', rel, name);
    if (!fs.existsSync(file)) continue;
    let text = fs.readFileSync(file, 'utf8');
    if (text.includes(MARK)) continue;
    const missing = edits.filter(([from]) => text.split(from).length !== 2);
    if (missing.length) {
      console.warn(`patch-postgres: ${path.relative(root, file)} does not match the code these guards were written for; not patched`);
      continue;
    }
    for (const [from, to] of edits) text = text.replace(from, to);
    fs.writeFileSync(file, `${MARK}\n${text}`);
    patched++;
  }
}
if (patched) console.log(`patch-postgres: guarded ${patched} file(s) of postgres.js`);
