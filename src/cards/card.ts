/** Feishu card JSON 2.0, typed loosely: builders in this folder produce it, transports send it as is. */
export interface Card {
  schema: '2.0';
  config?: Record<string, unknown>;
  header?: {
    title: { tag: 'plain_text'; content: string };
    subtitle?: { tag: 'plain_text'; content: string };
    template?: HeaderColour;
  };
  body: { elements: CardElement[] };
}

export type HeaderColour = 'blue' | 'wathet' | 'turquoise' | 'green' | 'yellow' | 'orange' | 'red' | 'carmine' | 'violet' | 'purple' | 'indigo' | 'grey';

export type CardElement = { tag: string; [key: string]: unknown };
