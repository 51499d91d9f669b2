import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createBotRouter } from '../../src/commands/commands.js';
import type { CardActionEvent } from '../../src/chat/event.js';
import { createPipeline } from '../../src/chat/pipeline.js';
import { approvals, auditLog, outbox } from '../../src/db/schema/index.js';
import { nextCode } from '../../src/reception/store.js';
import { validForm } from '../fixtures/request-form.js';
import { testServices, useTestDatabase } from './use-test-database.js';

const tdb = useTestDatabase();
const services = testServices();

const request = validForm({ working_meal: '否' });
let n = 0;
const action = (operatorId: string, value: Record<string, unknown>, formValue?: Record<string, unknown>): CardActionEvent => ({
  type: 'card_action',
  source: 'feishu',
  eventId: `race_${++n}`,
  operatorId,
  messageId: `om_card_${n}`,
  value,
  formValue,
});

describe('approval under concurrency', () => {
  it('gives concurrent submissions distinct, consecutive codes', async () => {
    const codes = await Promise.all(Array.from({ length: 20 }, async () => {
      const db = await tdb.current.connect();
      return db.db.transaction((tx) => nextCode(tx, 2031));
    }));
    expect(new Set(codes).size).toBe(20);
    expect([...codes].sort()).toEqual(Array.from({ length: 20 }, (_, i) => `JD-2031-${String(i + 1).padStart(4, '0')}`));
  });

  it('makes one transition when the approver taps 同意 twice at the same moment on two instances', async () => {
    const other = await tdb.current.connect();
    const a = createPipeline({ db: tdb.current.main.db, router: createBotRouter(), ...services, afterCommit: () => {} });
    const b = createPipeline({ db: other.db, router: createBotRouter(), ...services, afterCommit: () => {} });
    const submitted = await a.act(action('ou_staff1', { action: 'request.submit' }, request));
    expect(submitted.toast?.type).toBe('success');
    const code = /JD-\d{4}-\d{4}/.exec(submitted.toast!.content)![0];
    const [step] = await tdb.current.main.db.select().from(approvals).where(and(eq(approvals.step, 1), eq(approvals.approver, 'ou_head1'), eq(approvals.status, 'pending')));
    const tap = { action: 'approval.act', code, approval: step.id, round: 1, decision: 'approve' };

    const answers = await Promise.all([a.act(action('ou_head1', tap)), b.act(action('ou_head1', tap)), a.act(action('ou_head1', tap)), b.act(action('ou_head1', tap))]);
    expect(answers.filter((x) => x.toast?.content === '已同意')).toHaveLength(1);
    expect(answers.filter((x) => x.toast?.type === 'info')).toHaveLength(3);

    const approves = await tdb.current.main.db.select().from(auditLog).where(and(eq(auditLog.entityId, code), eq(auditLog.action, 'approve')));
    expect(approves).toHaveLength(1);
    const cardsToLevel2 = (await tdb.current.main.db.select().from(outbox)).filter((r) => r.target === 'user:ou_office1');
    expect(cardsToLevel2).toHaveLength(1);
  });
});
