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

export function watchOrgFile(opts: { file: string; live: LiveOrg; db: Db; policy: Policy; config: Config; log: Logger; clock?: () => Date; afterCommit: () => void; watch?: boolean; onReloaded?: () => void }): OrgReloader {
  const { file, live, db, log } = opts;
  let running: Promise<unknown> = Promise.resolve();
  const reloadNow = async () => {
    let next;
    try {
      next = loadOrg(file);
    } catch (err) {
      const problems = err instanceof OrgError ? err.problems : [(err as Error).message];
      log.error({ file, problems }, 'org file refused; the previous org stays in use');
      const text = `【组织名单未更新】人员名单文件有误（${problems.length}处），已继续使用原名单。请修改后重新保存：\n${problems.slice(0, 10).map((p) => `- ${orgProblemInChinese(p)}`).join('\n')}${problems.length > 10 ? '\n- ……其余问题及人员编号见系统日志' : ''}`;
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
    opts.onReloaded?.();
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

/** Where in the org file, as the office reads it ("departments[0].head" → "第1个部门的负责人"). */
function placeInChinese(path: string): string {
  const m = /^(\w+)(?:\[(\d+)\])?(?:\.(\w+))?(?:\[(\d+)\])?/.exec(path);
  if (!m) return '名单中一处';
  const [, top, i, field, j] = m;
  const n = (x?: string) => (x === undefined ? '' : `第${Number(x) + 1}`);
  if (top === 'departments') return `${n(i)}个部门的${field === 'head' ? '负责人' : field === 'supervisor' ? '分管领导' : field === 'name' ? '名称' : '信息'}`;
  if (top === 'people') return `${n(i)}位人员的${field === 'id' ? '编号' : field === 'name' ? '姓名' : field === 'department' ? '所在部门' : '信息'}`;
  if (top === 'reception_office') return field === 'director' ? '接待办主任' : field === 'staff' ? `接待办${n(j)}位工作人员` : field === 'chat_id' ? '接待办群' : '接待办信息';
  if (top === 'finance') return `${n(i)}位财务人员`;
  if (top === 'principal') return '主要领导';
  if (top === 'unit') return '单位名称';
  return '名单中一处';
}

/** An org-file problem as the office reads it: Chinese, and no person ids (those are in the log). */
export function orgProblemInChinese(problem: string): string {
  if (problem.startsWith('not valid YAML')) return '文件格式有误，无法读取（请检查缩进和冒号）';
  const [path, what = ''] = problem.split(/: (.*)/s);
  const where = placeInChinese(path);
  if (what.startsWith('unknown person')) return `${where}不在人员名单中`;
  if (what.endsWith('appears twice')) return `${where}与其他人员重复`;
  if (what.includes('also in reception_office')) return `${where}同时是接待办人员，双次审核须由不同人员办理`;
  return `${where}填写有误`;
}
