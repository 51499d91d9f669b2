// How a Feishu API call is made through the SDK and its failure classified for the outbox: written
// once in messenger.ts and handed to the 审批 center (approval-center.ts) and the calendar (calendar.ts).

/** Runs `fn`; a thrown SDK error or a non-zero code becomes a MessengerError (retryable or not); `alsoRetry`: an API's own codes worth another try. */
export type FeishuCall = <T extends { code?: number; msg?: string } | null | undefined>(what: string, fn: () => Promise<T>, alsoRetry?: ReadonlySet<number>) => Promise<T>;
