// Feishu's 审批 center: the bot's requests as a third-party approval (三方审批). The definition
// (approval v4 external_approvals) and each instance (external_instances) as Feishu documents them:
// every text people read goes as an @i18n@ key resolved in i18n_resources (zh-CN), and every
// instance is sent whole in UPDATE mode, whose update_time makes Feishu keep the newest version.
import type * as lark from '@larksuiteoapi/node-sdk';
import type { CenterDefinition, CenterInstance } from '../../chat/approval-center.js';
import { MessengerError } from '../../chat/messenger.js';
import type { FeishuCall } from './call.js';


/** Where an item in the center leads: the bot's chat, where the approval card is (AppLink 打开机器人会话). */
export function botLink(appId: string, baseUrl: string): string {
  const host = /larksuite\.com/.test(baseUrl) ? 'applink.larksuite.com' : 'applink.feishu.cn';
  return `https://${host}/client/bot/open?appId=${encodeURIComponent(appId)}`;
}

/** Texts as Feishu wants them: a key per text, its value in the default locale. */
class Texts {
  private readonly list: { key: string; value: string }[] = [];
  key(name: string, value: string): string {
    const key = `@i18n@${name}`;
    this.list.push({ key, value });
    return key;
  }
  resources() {
    return [{ locale: 'zh-CN' as const, is_default: true, texts: this.list }];
  }
}

const str = (t: number | undefined) => String(t ?? 0);

export function feishuApprovalCenter(client: lark.Client, call: FeishuCall, opts: { appId: string; baseUrl: string }) {
  const link = botLink(opts.appId, opts.baseUrl);
  const links = { pc_link: link, mobile_link: link };
  return {
    async createApprovalDefinition(def: CenterDefinition): Promise<{ approvalCode: string }> {
      const t = new Texts();
      const res = await call('create approval definition', () =>
        client.approval.v4.externalApproval.create({
          params: { user_id_type: 'open_id' },
          data: {
            approval_name: t.key('approval_name', def.name),
            // A code Feishu does not know yet: it creates the definition and answers its own code, which is kept.
            approval_code: 'jiedai_reception',
            group_code: 'jiedai',
            group_name: t.key('group_name', def.group),
            description: t.key('description', def.description),
            external: {
              biz_name: t.key('biz_name', def.from),
              biz_type: 'reception',
              // 发起审批 in the center opens the bot, where a request is filed (新建接待).
              create_link_pc: link,
              create_link_mobile: link,
              support_pc: true,
              support_mobile: true,
              support_batch_read: false,
              enable_mark_readed: false,
              enable_quick_operate: false,
              allow_batch_operate: false,
              exclude_efficiency_statistics: false,
            },
            viewers: [{ viewer_type: 'TENANT' }],
            i18n_resources: t.resources(),
          },
        }),
      );
      const code = res?.data?.approval_code;
      if (!code) throw new MessengerError('create approval definition: no approval_code', true);
      return { approvalCode: code };
    },

    async syncApprovalInstance(approvalCode: string, inst: CenterInstance): Promise<void> {
      const t = new Texts();
      const data = {
        approval_code: approvalCode,
        status: inst.status,
        instance_id: inst.id,
        links,
        title: t.key('title', inst.title),
        form: inst.form.map((f, i) => ({ name: t.key(`form_${i}_name`, f.name), value: t.key(`form_${i}_value`, f.value) })),
        open_id: inst.requester.id,
        user_name: t.key('user_name', inst.requester.name),
        department_name: t.key('department_name', inst.requester.department),
        start_time: str(inst.startedAt),
        end_time: str(inst.endedAt),
        update_time: str(inst.updatedAt),
        update_mode: 'UPDATE' as const,
        task_list: inst.tasks.map((task, i) => ({
          task_id: task.id,
          open_id: task.userId,
          title: t.key(`task_${i}_title`, task.title),
          links,
          status: task.status,
          ...(task.reason ? { extra: JSON.stringify({ complete_reason: task.reason }) } : {}),
          create_time: str(task.createdAt),
          end_time: str(task.endedAt),
          update_time: str(task.updatedAt),
          ...(task.delegate ? { generate_type: 'EXTERNAL_CONSIGN' as const } : {}),
        })),
        i18n_resources: t.resources(),
      };
      await call('sync approval instance', () => client.approval.v4.externalInstance.create({ data }));
    },
  };
}
