import { buildHelpCard } from '../cards/help-card.js';
import { buildRequestFormCard, type RequestFormValues } from '../cards/request-form-card.js';
import { card, escapeMd, md } from '../cards/elements.js';
import { buildStandardsText } from '../rules/standards-text.js';
import { onApprovalAct } from '../reception/act-on-approval.js';
import { onChangeCommand, onRequestChange } from '../reception/change-request.js';
import { parseDescription } from '../reception/describe.js';
import { onDelegate, onMyReceptions, onTodo, onView, onWithdraw } from '../reception/reception-commands.js';
import { unitNotesIn } from '../reception/guest-history.js';
import { onHandbook } from '../reception/handbook.js';
import { onRequestSubmit } from '../reception/submit-request.js';
import { onAssignCommand, onTaskAssign, onTaskDone } from '../reception/task-actions.js';
import { onAudit, onLineAdd, onLineRemove, onListSave, onSettleCommand, onSign, onSubmit } from '../reception/settlement-actions.js';
import { onStatisticsCommand } from '../reception/statistics.js';
import { onDisclosureCommand } from '../reception/disclosure.js';
import { onExportCommand } from '../reception/ledger-export.js';
import { onDocumentClassify, onDocumentMessage, onDocumentRemove } from '../reception/settlement-documents.js';
import { onLedgerCancel, onLedgerCommand, onLedgerImport } from '../ledger/chat.js';
import type { MessageEvent } from './event.js';
import type { HandlerContext } from './context.js';
import { createRouter, type Command, type Router } from './router.js';

const commands: Command[] = [
  {
    name: '帮助',
    aliases: ['help', '菜单', '?', '？'],
    public: true,
    handler: async (_event, ctx) => {
      await ctx.say({ kind: 'card', card: buildHelpCard({ unit: ctx.org.unit }) });
    },
  },
  {
    name: '标准',
    handler: async (_event, ctx) => {
      await ctx.say({
        kind: 'card',
        card: card({ title: '现行接待标准', subtitle: ctx.org.unit, template: 'turquoise', elements: [md(buildStandardsText(ctx.policy))] }),
      });
    },
  },
  {
    name: '新建接待',
    freeText: true,
    handler: async (_event, ctx, args) => {
      const prefill = args ? parseDescription(args.slice(0, 500), ctx.now, ctx.config.timeZone) : {};
      const { arrive_time, ...parsed } = prefill;
      const values: RequestFormValues = parsed;
      // 客史档案: a description naming a known unit brings that unit's recorded restrictions and preferences.
      const known = args ? await unitNotesIn(ctx.tx, args.slice(0, 500)) : undefined;
      if (known) values.notes = known.notes;
      const notice = args
        ? `已根据描述预填：${escapeMd(args.slice(0, 200))}${arrive_time ? `（到达时间${arrive_time}）` : ''}${known ? `\n备注已按${escapeMd(known.unit)}的客史档案预填，请核实。` : ''}\n请核对并补全以下各项。`
        : '请填写以下各项，带 * 的为必填。';
      await ctx.say({ kind: 'card', card: buildRequestFormCard({ values, notice }) });
    },
  },
  { name: '我的接待', handler: onMyReceptions },
  { name: '待办', handler: onTodo },
  { name: '查看', handler: onView },
  { name: '撤回', handler: onWithdraw },
  { name: '变更', handler: onChangeCommand },
  { name: '手册', handler: onHandbook },
  { name: '代理', freeText: true, handler: onDelegate(mentionedPerson) },
  { name: '指派', freeText: true, handler: onAssignCommand(mentionedPerson) },
  { name: '结算', handler: onSettleCommand },
  { name: '统计', freeText: true, handler: onStatisticsCommand },
  { name: '导入台账', handler: onLedgerCommand },
  { name: '公开', freeText: true, handler: onDisclosureCommand },
  { name: '导出', freeText: true, handler: onExportCommand },
];

/** The person a 代理 command names: a real @mention, else "@名字" typed as text. */
function mentionedPerson(event: MessageEvent, ctx: HandlerContext): string | undefined {
  const known = (event.mentions ?? []).find((m) => ctx.org.person(m.id));
  if (known) return known.id;
  return ctx.org.people.find((p) => event.text.includes(`@${p.name}`))?.id;
}

/** The bot's commands and card actions. Commands not built yet fall through to the help text. */
export function createBotRouter(): Router {
  return createRouter({
    commands,
    actions: {
      'request.submit': onRequestSubmit,
      'request.change': onRequestChange,
      'approval.act': onApprovalAct,
      'task.done': onTaskDone,
      'task.assign': onTaskAssign,
      'settlement.line.add': onLineAdd,
      'settlement.line.remove': onLineRemove,
      'settlement.list.save': onListSave,
      'settlement.sign': onSign,
      'settlement.submit': onSubmit,
      'settlement.audit': onAudit,
      'settlement.doc': onDocumentClassify,
      'settlement.doc.remove': onDocumentRemove,
      'ledger.import': onLedgerImport,
      'ledger.cancel': onLedgerCancel,
    },
    onResource: onDocumentMessage,
    fallback: async (event, ctx) => {
      const intro = event.text ? `未能识别“${escapeMd(event.text.slice(0, 50))}”。可用指令如下：` : '您好，我是接待助手。可用指令如下：';
      await ctx.say({ kind: 'card', card: buildHelpCard({ unit: ctx.org.unit, intro }) });
    },
    unknownPerson: async (_event, ctx) => {
      await ctx.say({ kind: 'text', text: '未在本单位人员名单中找到您的信息，暂不能办理。请联系接待办维护人员名单。' });
    },
    staleAction: async () => ({ toast: { type: 'warning', content: '该操作暂不可用或卡片已过期，请重新发送指令。' } }),
  });
}
