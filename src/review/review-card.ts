// The review after the visit (接待总结), as cards (pure): the form the handler and the office fill,
// and the stored answers as lines for 查看 and the guest history.
import type { Card, CardElement } from '../cards/card.js';
import { button, card, escapeMd, form, hr, input, md, select } from '../cards/elements.js';

export const OVERALL = ['好', '较好', '一般'] as const;

export interface ReviewAnswers {
  overall: string;
  good: string;
  improve: string;
  guestOpinion: string;
  siteFeedback: { site: string; text: string }[];
}

/** The review card: 总体评价, 做得好的, 需改进的, 来宾意见, and one 点位反馈 per site of the itinerary. */
export function buildReviewCard(opts: { reviewId: number; code: string; guestUnit: string; dates: string; sites: string[]; error?: string }): Card {
  const fields: CardElement[] = [
    md('**总体评价** <font color=\'red\'>*</font>'),
    select({ name: 'overall', placeholder: '请选择总体评价', options: OVERALL, required: true }),
    input({ name: 'good', label: '做得好的', placeholder: '如：行程衔接紧凑，讲解准备充分', multiline: true, maxLength: 500 }),
    input({ name: 'improve', label: '需改进的', placeholder: '如：用车调度、会场准备、用餐安排等', multiline: true, maxLength: 500 }),
    input({ name: 'opinion', label: '来宾意见', placeholder: '来宾对接待工作的意见建议', multiline: true, maxLength: 500 }),
    ...opts.sites.slice(0, 20).map((site, i) => input({ name: `site_${i}`, label: `点位反馈：${site}`, placeholder: '讲解、时长、路线等', maxLength: 200 })),
    button({ text: '提交总结', type: 'primary', name: 'submit', submit: true, value: { action: 'review.submit', review: opts.reviewId } }),
  ];
  return card({
    title: `接待总结：${opts.code}`,
    subtitle: `${opts.guestUnit} · ${opts.dates}`,
    template: 'wathet',
    summary: `请填写接待总结：${opts.code}`,
    elements: [
      md('接待已结束。按照“要进行认真总结”的要求，请经办人或接待办填写本次接待总结，供今后接待同一单位时参考。提交一次即可。'),
      ...(opts.error ? [md(`<font color='red'>${escapeMd(opts.error)}</font>`)] : []),
      hr(),
      form('review_form', fields),
    ],
  });
}

/** The stored answers as lines: "总体评价：好", "需改进的：…", "点位反馈：汉江博物馆：…". */
export function reviewLines(a: ReviewAnswers): string[] {
  const out = [`总体评价：${a.overall}`];
  if (a.good) out.push(`做得好的：${a.good}`);
  if (a.improve) out.push(`需改进的：${a.improve}`);
  if (a.guestOpinion) out.push(`来宾意见：${a.guestOpinion}`);
  for (const s of a.siteFeedback) out.push(`点位反馈：${s.site}：${s.text}`);
  return out;
}

export function buildReviewDoneCard(opts: { code: string; guestUnit: string; by: string; answers: ReviewAnswers }): Card {
  return card({
    title: `接待总结：${opts.code}`,
    subtitle: opts.guestUnit,
    template: 'green',
    summary: `接待总结已提交：${opts.code}`,
    elements: [md(`**已由${escapeMd(opts.by)}提交**`), md(reviewLines(opts.answers).map((l) => `- ${escapeMd(l)}`).join('\n'))],
  });
}
