// postinstall: guards postgres.js's nextWrite against a closed socket (porsager/postgres#1154, #1208;
// unreleased fixes #1168, #1176, #1209). postgres@3.4.9 queues small writes with setImmediate; when
// the connection closes under a transaction (the database restarts, the network drops it), the
// ROLLBACK that sql.begin sends on that connection is written after `socket` was set to null, and the
// TypeError thrown from the immediate callback kills the whole process: the bot did not survive a
// database outage (tests/multi/faults.test.ts). The guard rejects what waits on that connection with
// CONNECTION_CLOSED instead, so the caller's catch runs and the pool reconnects.
// Idempotent; a version whose code no longer has the unguarded line is left alone (with a warning).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MARK = '/* jiedai: guarded nextWrite */';
const UNGUARDED = `  function nextWrite(fn) {
    const x = socket.write(chunk, fn)`;
const GUARDED = `  function nextWrite(fn) {
    ${MARK}
    if (socket === null) {
      nextWriteTimer !== null && clearImmediate(nextWriteTimer)
      chunk = nextWriteTimer = null
      error(Errors.connection('CONNECTION_CLOSED', options))
      return false
    }
    const x = socket.write(chunk, fn)`;

let patched = 0;
for (const rel of ['src', 'cjs/src', 'cf/src']) {
  const file = path.join(root, 'node_modules', 'postgres', rel, 'connection.js');
  if (!fs.existsSync(file)) continue;
  const text = fs.readFileSync(file, 'utf8');
  if (text.includes(MARK)) continue;
  if (!text.includes(UNGUARDED)) {
    console.warn(`patch-postgres: ${path.relative(root, file)} has no unguarded nextWrite; not patched (check that this postgres version closes the race)`);
    continue;
  }
  fs.writeFileSync(file, text.replace(UNGUARDED, GUARDED));
  patched++;
}
if (patched) console.log(`patch-postgres: guarded nextWrite in ${patched} file(s)`);
