import type { CardActionResult } from './event.js';

/** The body Feishu expects from a card callback (docs/feishu-protocol.md §2.3): `{}` means "leave the card". */
export function toCallbackResponse(result: CardActionResult): Record<string, unknown> {
  return {
    ...(result.toast ? { toast: result.toast } : {}),
    ...(result.card ? { card: { type: 'raw', data: result.card } } : {}),
  };
}
