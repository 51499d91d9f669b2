// The reception code every per-reception command takes (查看, 撤回, 手册, 结算, 变更…).
import type { HandlerContext } from '../chat/context.js';
import type { MessageEvent } from '../chat/event.js';
import { CODE_PATTERN } from './store.js';

const text = (ctx: HandlerContext, t: string) => ctx.say({ kind: 'text', text: t });

/** Reads "JD-2026-0042" out of a command's arguments, or says what is wrong. */
export async function codeArg(_event: MessageEvent, ctx: HandlerContext, args: string, command: string): Promise<string | undefined> {
  const code = args.trim().split(/\s+/)[0]?.toUpperCase() ?? '';
  if (!CODE_PATTERN.test(code)) {
    await text(ctx, `请在“${command}”后写明接待编号，例如：${command} JD-2026-0042`);
    return undefined;
  }
  return code;
}
