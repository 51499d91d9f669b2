// The org file reloaded while the bot runs: when the file changes, or on SIGHUP. A file that fails
// validation is refused: the old org stays, and the log and the office chat say why. People no
// longer in the file hand their pending approvals on (departures.ts).
import fs from 'node:fs';
import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import { enqueue } from '../chat/outbox.js';
import type { Config } from '../config.js';
import { departed, type LiveOrg } from '../org/live-org.js';
import { loadOrg, OrgError } from '../org/org.js';
import type { Policy } from '../rules/policy/policy-schema.js';
import { handDepartures } from './departures.js';

export interface OrgReloader {
  /** Reads the file again now: `ok` with what was handed on, or the problems that kept the old org. */
  reload(): Promise<{ ok: true; departed: string[]; moved: number; delegationsEnded: number } | { ok: false; problems: string[] }>;
  stop(): void;
}

export function watchOrgFile(opts: { file: string; live: LiveOrg; db: Db; policy: Policy; config: Config; log: Logger; clock?: () => Date; afterCommit: () => void; watch?: boolean }): OrgReloader {
  const { file, live, db, log } = opts;
  let running: Promise<unknown> = Promise.resolve();
  const reloadNow = async () => {
    let next;
    try {
      next = loadOrg(file);
    } catch (err) {
      const problems = err instanceof OrgError ? err.problems : [(err as Error).message];
      log.error({ file, problems }, 'org file refused; the previous org stays in use');
      const text = `【组织名单未更新】人员名单文件有误，已继续使用原名单。请修改后重新保存：\n${problems.slice(0, 10).map((p) => `- ${p}`).join('\n')}`;
      await db.transaction((tx) => enqueue(tx, { op: 'send', to: { type: 'chat', id: live.org.reception_office.chat_id }, message: { kind: 'text', text } }));
      opts.afterCommit();
      return { ok: false as const, problems };
    }
    const gone = departed(live.org, next);
    live.swap(next);
    const now = (opts.clock ?? (() => new Date()))();
    const result = await db.transaction((tx) =>
      handDepartures({ tx, org: live.org, policy: opts.policy, config: opts.config, now, enqueue: (action, id) => enqueue(tx, action, id) }, gone),
    );
    log.info({ file, people: next.people.length, departed: gone.map((g) => g.id), ...result }, 'org file reloaded');
    opts.afterCommit();
    return { ok: true as const, departed: gone.map((g) => g.id), ...result };
  };
  // One reload at a time, in order.
  const reload = () => {
    const p = running.then(reloadNow, reloadNow);
    running = p.catch(() => undefined);
    return p;
  };
  const onHup = () => void reload().catch((err: unknown) => log.error({ err }, 'org reload failed'));
  process.on('SIGHUP', onHup);
  let timer: NodeJS.Timeout | undefined;
  const watcher =
    opts.watch === false
      ? undefined
      : (() => {
          try {
            // Editors save in bursts: reload once the file has been quiet for a moment.
            return fs.watch(file, () => {
              clearTimeout(timer);
              timer = setTimeout(onHup, 300);
            });
          } catch (err) {
            log.warn({ err, file }, 'org file cannot be watched; reload with SIGHUP');
            return undefined;
          }
        })();
  return {
    reload,
    stop() {
      process.off('SIGHUP', onHup);
      clearTimeout(timer);
      watcher?.close();
    },
  };
}
