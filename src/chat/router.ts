import type { CardActionEvent, CardActionResult, MessageEvent } from './event.js';
import type { HandlerContext } from './context.js';

export type CommandHandler = (event: MessageEvent, ctx: HandlerContext, args: string) => Promise<void>;
export type ActionHandler = (event: CardActionEvent, ctx: HandlerContext) => Promise<CardActionResult>;

export interface Command {
  name: string;
  aliases?: string[];
  /** Whether people who are not in the org file may use it (帮助 only). */
  public?: boolean;
  /** Free text may follow the word without a space ("新建接待明天下午…"). */
  freeText?: boolean;
  handler: CommandHandler;
}

export interface Router {
  onMessage(event: MessageEvent, ctx: HandlerContext): Promise<void>;
  onAction(event: CardActionEvent, ctx: HandlerContext): Promise<CardActionResult>;
}

/**
 * Splits "新建接待 明天…" into the command word and the rest. Tolerates full-width spaces, a leading
 * slash and Chinese punctuation; an argument may follow the word directly when it starts with a
 * letter or digit ("查看JD-2026-0001", "统计2026"), or for commands that take free text.
 */
export function parseCommand(text: string, commands: { name: string; freeText?: boolean }[]): { name: string; args: string } | undefined {
  const t = text.replace(/\u3000/g, ' ').replace(/^[/／]/, '').trim();
  const sorted = [...commands].sort((a, b) => b.name.length - a.name.length);
  for (const { name, freeText } of sorted) {
    if (!t.startsWith(name)) continue;
    const rest = t.slice(name.length);
    if (rest === '' || /^[\s:：,，]/.test(rest) || /^[A-Za-z0-9]/.test(rest) || freeText) {
      return { name, args: rest.replace(/^[\s:：,，]+/, '').trim() };
    }
  }
  return undefined;
}

export function createRouter(opts: {
  commands: Command[];
  actions: Record<string, ActionHandler>;
  /** Unknown input, and people not in the org file trying a non-public command. */
  fallback: CommandHandler;
  unknownPerson: CommandHandler;
  staleAction: ActionHandler;
  /** Images and files (they carry no text and, in a group, no @mention). */
  onResource?: (event: MessageEvent, ctx: HandlerContext) => Promise<void>;
}): Router {
  const byName = new Map<string, Command>();
  for (const c of opts.commands) for (const n of [c.name, ...(c.aliases ?? [])]) byName.set(n, c);
  const names = [...byName.entries()].map(([name, c]) => ({ name, freeText: c.freeText }));

  return {
    async onMessage(event, ctx) {
      if (event.resource && opts.onResource) {
        if (!ctx.org.person(event.senderId)) return event.chatType === 'p2p' ? opts.unknownPerson(event, ctx, '') : undefined;
        return opts.onResource(event, ctx);
      }
      // In a group the bot answers only when @mentioned (with the scope to read all group messages
      // it would otherwise answer every conversation in the reception groups).
      if (event.chatType === 'group' && !event.mentionsBot) return;
      const parsed = parseCommand(event.text, names);
      const command = parsed ? byName.get(parsed.name) : undefined;
      if (!command || !parsed) return opts.fallback(event, ctx, event.text);
      if (!command.public && !ctx.org.person(event.senderId)) return opts.unknownPerson(event, ctx, parsed.args);
      return command.handler(event, ctx, parsed.args);
    },
    async onAction(event, ctx) {
      const name = typeof event.value.action === 'string' ? event.value.action : '';
      // Own keys only: a value naming 'toString' or 'constructor' is no action.
      const handler = Object.hasOwn(opts.actions, name) ? opts.actions[name] : undefined;
      if (!handler) return opts.staleAction(event, ctx);
      return handler(event, ctx);
    },
  };
}
