import type { Card } from '../cards/card.js';
import { card, hr, md } from '../cards/elements.js';

/** docs/contracts.md §3: every command with an example. */
export const COMMANDS: { usage: string; does: string; example?: string }[] = [
  { usage: '帮助', does: '查看全部指令和示例' },
  { usage: '新建接待 [描述]', does: '填写接待审批单，可附简要描述自动预填', example: '新建接待 明天下午3点 省发改委张处长一行5人考察园区' },
  { usage: '我的接待', does: '查看本人提交的接待及办理状态' },
  { usage: '待办', does: '查看待我审批、待办任务、待签字和待审核事项' },
  { usage: '查看 接待编号', does: '查看一项接待的全部信息', example: '查看 JD-2026-0042' },
  { usage: '手册 接待编号', does: '查看已批准接待的接待手册和座次图', example: '手册 JD-2026-0042' },
  { usage: '陪同 接待编号 @主陪 @陪同人员', does: '接待办调整主陪和陪同人员（第一位为主陪）；“恢复建议”回到系统按对口、对等提出的建议', example: '陪同 JD-2026-0042 @周主任 @李建国' },
  { usage: '撤回 接待编号', does: '撤回本人尚未审批完成的申请；变更审批中的，撤回变更', example: '撤回 JD-2026-0042' },
  { usage: '取消接待 接待编号 理由', does: '已批准的接待不再举行时取消（申请人或接待办），进入结算后不能取消；工作群、审批人和领导日程同步更新', example: '取消接待 JD-2026-0042 来宾行程调整，本次来访取消' },
  { usage: '变更 接待编号', does: '修改已批准接待的人数、日期、住宿、用车等（经办人或接待办）；符合标准的提交即生效，触及标准的重新审批', example: '变更 JD-2026-0042' },
  { usage: '指派 接待编号 任务 @某人', does: '接待办将方案中的一项任务改派给他人，新责任人收到通知和提醒', example: '指派 JD-2026-0042 车辆 @钱进' },
  { usage: '结算 接待编号', does: '开始或继续接待结算（接待清单、费用、双签、双审）', example: '结算 JD-2026-0042' },
  { usage: '统计 [年份/本月/上月/本年]', does: '按批次、人次、类别统计接待情况', example: '统计 2026' },
  { usage: '公开 年份', does: '生成年度公务接待情况公开稿', example: '公开 2026' },
  { usage: '导出 [年份/本月/上月/本年]', does: '导出接待台账、费用明细和汇总（Excel文件，单独发送），限接待办和财务', example: '导出 2026' },
  { usage: '导入台账', does: '接待办导入往年接待台账：发送指令后发送Excel或CSV文件，先预览、后导入' },
  { usage: '点位 [名称]', does: '按主题查看点位库中的考察点位（含时长）；写上名称查看一处的详情', example: '点位 汉江博物馆' },
  { usage: '线路', does: '按主题查看点位库中的考察线路、途经点位和所需时间' },
  { usage: '导入点位', does: '接待办导入点位、线路、讲解员、定点宾馆和餐厅：发送指令后发送Excel或CSV文件，先预览、后导入' },
  { usage: '标准', does: '查看现行接待标准' },
  { usage: '代理 @某人 至 日期', does: '出差期间委托他人代为审批；“代理 取消”结束委托', example: '代理 @钱进 至 2026-12-31' },
];

export function buildHelpCard(opts: { unit: string; intro?: string }): Card {
  const lines = COMMANDS.map((c) => `- **${c.usage}**：${c.does}${c.example ? `\n  例：${c.example}` : ''}`);
  return card({
    title: '接待助手 · 使用说明',
    template: 'blue',
    summary: '接待助手指令列表',
    elements: [
      ...(opts.intro ? [md(opts.intro), hr()] : []),
      md(`为${opts.unit}接待办提供接待申请、三级审批、接待方案、结算和统计服务。单聊直接发送指令；在群聊中请先 @接待助手。`),
      hr(),
      md(lines.join('\n')),
      hr(),
      md('先审批、后接待。所有环节均按《党政机关国内公务接待管理规定》及本单位接待标准办理。'),
    ],
  });
}
