import type { Card, CardElement, HeaderColour } from './card.js';

/**
 * Escapes user-typed text for Feishu card markdown. Feishu renders HTML entities in markdown,
 * so every character that could open a tag (<at id=all>, <font>), a link, or emphasis becomes
 * an entity: a guest unit named "<at id=all></at>" shows as text and notifies no one.
 */
export function escapeMd(text: string): string {
  return text.replace(/[&<>*_~[\]()`#|\\!]/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

export function card(opts: { title: string; subtitle?: string; template?: HeaderColour; elements: CardElement[]; summary?: string }): Card {
  return {
    schema: '2.0',
    config: { update_multi: true, ...(opts.summary ? { summary: { content: opts.summary } } : {}) },
    header: {
      title: { tag: 'plain_text', content: opts.title },
      ...(opts.subtitle ? { subtitle: { tag: 'plain_text', content: opts.subtitle } } : {}),
      template: opts.template ?? 'blue',
    },
    body: { elements: opts.elements },
  };
}

/** Markdown written by the bot. Interpolate user text only through escapeMd. */
export const md = (content: string): CardElement => ({ tag: 'markdown', content });

export const hr = (): CardElement => ({ tag: 'hr' });

const plain = (content: string) => ({ tag: 'plain_text', content });

export function button(opts: {
  text: string;
  value: Record<string, unknown>;
  type?: 'primary' | 'default' | 'danger';
  name?: string;
  submit?: boolean;
  confirm?: { title: string; text: string };
}): CardElement {
  return {
    tag: 'button',
    text: plain(opts.text),
    type: opts.type ?? 'default',
    ...(opts.name ? { name: opts.name } : {}),
    ...(opts.submit ? { form_action_type: 'submit' } : {}),
    ...(opts.confirm ? { confirm: { title: plain(opts.confirm.title), text: plain(opts.confirm.text) } } : {}),
    behaviors: [{ type: 'callback', value: opts.value }],
  };
}

export function form(name: string, elements: CardElement[]): CardElement {
  return { tag: 'form', name, elements };
}

export function input(opts: {
  name: string;
  label: string;
  placeholder?: string;
  value?: string;
  required?: boolean;
  multiline?: boolean;
  maxLength?: number;
}): CardElement {
  return {
    tag: 'input',
    name: opts.name,
    label: plain(opts.label),
    label_position: 'top',
    required: opts.required ?? false,
    ...(opts.placeholder ? { placeholder: plain(opts.placeholder) } : {}),
    ...(opts.value !== undefined && opts.value !== '' ? { default_value: opts.value } : {}),
    ...(opts.multiline ? { input_type: 'multiline_text', rows: 3 } : {}),
    ...(opts.maxLength ? { max_length: opts.maxLength } : {}),
  };
}

/** A single select whose option values are the Chinese words themselves (the form contract). */
export function select(opts: { name: string; placeholder: string; options: readonly string[]; value?: string; required?: boolean }): CardElement {
  return {
    tag: 'select_static',
    name: opts.name,
    required: opts.required ?? false,
    placeholder: plain(opts.placeholder),
    options: opts.options.map((o) => ({ text: plain(o), value: o })),
    ...(opts.value && opts.options.includes(opts.value) ? { initial_option: opts.value } : {}),
  };
}

export function datePicker(opts: { name: string; placeholder: string; value?: string; required?: boolean }): CardElement {
  return {
    tag: 'date_picker',
    name: opts.name,
    required: opts.required ?? false,
    placeholder: plain(opts.placeholder),
    ...(opts.value ? { initial_date: opts.value } : {}),
  };
}

/** Side-by-side columns of equal weight; a form field and its label go in one column. */
export function columns(...cols: CardElement[][]): CardElement {
  return {
    tag: 'column_set',
    flex_mode: 'none',
    horizontal_spacing: '8px',
    columns: cols.map((elements) => ({ tag: 'column', width: 'weighted', weight: 1, vertical_align: 'top', elements })),
  };
}

/** A small red line under a form field naming what is wrong with it. */
export const fieldError = (message: string): CardElement => md(`<font color='red'>${escapeMd(message)}</font>`);
