import { buildHelpCard } from './help-card.js';
import { onBatchApprove } from '../approval/batch-approve.js';
import { buildRequestFormCard, ccPeople, type RequestFormValues } from '../request/request-form-card.js';
import { card, escapeMd, md } from '../cards/elements.js';
import { buildStandardsText } from '../rules/policy/standards-text.js';
import { onApprovalAct } from '../approval/act-on-approval.js';
import { onChangeCommand, onRequestChange } from '../approval/change-request.js';
import { parseDescription } from '../request/describe.js';
import { onDelegate, onMyReceptions, onTodo, onView, onWithdraw } from '../approval/reception-commands.js';
import { onCancelReception } from '../approval/cancel/cancel-reception.js';
import { unitNotesIn } from '../request/guest-history.js';
import { onHandbook } from '../plan/handbook.js';
import { onHostsCommand } from '../plan/hosts-command.js';
import { onRequestSubmit } from '../approval/submit-request.js';
import { onAssignCommand, onTaskAssign, onTaskDone } from '../plan/task-actions.js';
import { onAudit, onLineAdd, onLineRemove, onListSave, onSettleCommand, onSign, onSubmit } from '../settlement/settlement-actions.js';
import { onStatisticsCommand } from '../statistics/statistics-command.js';
import { onDisclosureCommand } from '../statistics/disclosure.js';
import { onExportCommand } from '../statistics/ledger-export.js';
import { onDocumentClassify, onDocumentMessage, onDocumentRemove } from '../settlement/settlement-documents.js';
import { onLedgerCancel, onLedgerCommand, onLedgerImport } from '../statistics/ledger-chat.js';
import { libraryChoices } from '../places/request-library.js';
import { onReviewSubmit } from '../review/review.js';
import { onPlacesCancel, onPlacesImport, onPlacesImportCommand, onPlacesList } from '../places/places-chat.js';
import type { MessageEvent } from '../chat/event.js';
import type { HandlerContext } from '../chat/context.js';
import { createRouter, type Command, type CommandHandler, type Router } from '../chat/router.js';
import type { Org, Person } from '../org/org.js';

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
    handler: async (event, ctx, args) => {
      const prefill = args ? parseDescription(args.slice(0, 500), ctx.now, ctx.config.timeZone) : {};
      const { arrive_time, ...parsed } = prefill;
      const values: RequestFormValues = parsed;
      // 客史档案: a description naming a known unit brings that unit's recorded restrictions and preferences.
      const known = args ? await unitNotesIn(ctx.tx, args.slice(0, 500)) : undefined;
      if (known) values.notes = known.notes;
      const notice = args
        ? `已根据描述预填：${escapeMd(args.slice(0, 200))}${arrive_time ? `（到达时间${arrive_time}）` : ''}${known ? `\n备注已按${escapeMd(known.unit)}的客史档案预填，请核实。` : ''}\n请核对并补全以下各项。`
        : '请填写以下各项，带 * 的为必填。';
      await ctx.say({ kind: 'card', card: buildRequestFormCard({ values, notice, library: await libraryChoices(ctx.tx), ccPeople: ccPeople(ctx.org, event.senderId) }) });
    },
  },
  { name: '我的接待', handler: onMyReceptions },
  { name: '待办', handler: onTodo },
  { name: '查看', handler: onView },
  { name: '撤回', handler: onWithdraw },
  { name: '取消接待', freeText: true, handler: onCancelReception },
  { name: '变更', handler: onChangeCommand },
  { name: '手册', handler: onHandbook },
  { name: '陪同', handler: onHostsCommand(namedPerson) },
  { name: '代理', freeText: true, handler: naming(onDelegate) },
  { name: '指派', freeText: true, handler: naming(onAssignCommand) },
  { name: '结算', handler: onSettleCommand },
  { name: '统计', freeText: true, handler: onStatisticsCommand },
  { name: '导入台账', handler: onLedgerCommand },
  { name: '导入点位', handler: onPlacesImportCommand },
  { name: '点位', freeText: true, handler: onPlacesList('site') },
  { name: '线路', handler: onPlacesList('route') },
  { name: '公开', freeText: true, handler: onDisclosureCommand },
  { name: '导出', freeText: true, handler: onExportCommand },
];

/** Every command a person can send (帮助 must list each). */
export const COMMAND_NAMES = commands.map((c) => c.name);

type Resolve = (event: MessageEvent, ctx: HandlerContext) => string | undefined;
type Named = { id: string } | { ambiguous: Person[] } | undefined;

/** What may follow a typed name: the end, a space or punctuation, or the 至 of "代理 @张伟 至 2026-12-31". */
const NAME_END = /^(?:$|[\s至到，,。.、；;：:！!？?（(）)「」“”"'@])/;

/**
 * The person a 代理 / 指派 command names: a real @mention (picked from the chat's member list), else
 * "@名字" typed as text. A typed name must be a whole name: the longest name in the org file that the
 * text after "@" starts with and that is not followed by more of a name, so "@张伟华" is 张伟华 even when
 * 张伟 is listed first. A name two people share is ambiguous unless a department follows it in
 * brackets ("@张伟（经济发展局）"); the caller refuses it and changes nothing.
 */
export function namedPerson(event: Pick<MessageEvent, 'text' | 'mentions'>, org: Org): Named {
  const known = (event.mentions ?? []).find((m) => org.person(m.id));
  if (known) return { id: known.id };
  const names = [...new Set(org.people.map((p) => p.name))].sort((a, b) => b.length - a.length);
  for (const at of event.text.matchAll(/@/g)) {
    const rest = event.text.slice(at.index! + 1);
    const name = names.find((n) => rest.startsWith(n) && NAME_END.test(rest.slice(n.length)));
    if (!name) continue;
    const same = org.people.filter((p) => p.name === name);
    if (same.length === 1) return { id: same[0].id };
    const dept = /^[（(]\s*([^（()）]+?)\s*[)）]/.exec(rest.slice(name.length))?.[1];
    const inDept = dept ? same.filter((p) => p.department === dept) : [];
    return inDept.length === 1 ? { id: inDept[0].id } : { ambiguous: same };
  }
  return undefined;
}

/** Tells the sender which people share the typed name; nothing is changed. */
function ambiguousText(same: Person[]): string {
  const depts = same.map((p) => p.department);
  const byDept = new Set(depts).size === depts.length ? `，或在姓名后用括号注明部门（如“@${same[0].name}（${depts[0]}）”）` : '';
  return `本单位人员名单中有${same.length}位同事名为“${same[0].name}”（${depts.join('、')}），无法确定您所指的是哪一位，本次未作任何变更。请输入“@”后从人员列表中选择该同事${byDept}，再重新发送。`;
}

/** A command that names a person: the name is resolved once, and an ambiguous one is refused before the command runs. */
function naming(command: (resolve: Resolve) => CommandHandler): CommandHandler {
  return async (event, ctx, args) => {
    const named = /^取消/.test(args.trim()) ? undefined : namedPerson(event, ctx.org);
    if (named && 'ambiguous' in named) return void (await ctx.say({ kind: 'text', text: ambiguousText(named.ambiguous) }));
    await command(() => named?.id)(event, ctx, args);
  };
}

/** The bot's commands and card actions. Commands not built yet fall through to the help text. */
export function createBotRouter(): Router {
  return createRouter({
    commands,
    actions: {
      'request.submit': onRequestSubmit,
      'request.change': onRequestChange,
      'approval.act': onApprovalAct,
      'approval.batch': onBatchApprove,
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
      'places.import': onPlacesImport,
      'places.cancel': onPlacesCancel,
      'review.submit': onReviewSubmit,
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
