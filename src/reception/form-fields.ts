// A stored request as cards, summaries and the handbook read it: any field may be absent, and a
// value is shown as text. The record itself is typed by `receptions.form` (a `ReceptionRequest`).
import type { ReceptionRequest } from '../rules/checks/read-request.js';

export type FormFields = Partial<Record<keyof ReceptionRequest, unknown>>;

/** One field as trimmed text; '' when it is absent. */
export const fieldOf = (f: FormFields, k: keyof ReceptionRequest): string => String(f[k] ?? '').trim();
