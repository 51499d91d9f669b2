import { describe, expect, it } from 'vitest';
import { asciiIdentifiers, identifierFindings, visibleTexts } from '../fake-feishu/visible-text.js';

describe('the check that no English identifier reaches people', () => {
  it('finds snake_case and camelCase words in what people read', () => {
    expect(asciiIdentifiers('接待审批（approval_first）')).toEqual(['approval_first']);
    expect(asciiIdentifiers('王小明 settle_start')).toEqual(['settle_start']);
    expect(asciiIdentifiers('状态：officeAudit')).toEqual(['officeAudit']);
  });

  it('leaves codes, rule numbers, money, tags, mentions and links alone', () => {
    expect(asciiIdentifiers("JD-2026-0001 (R8) 450.00元 PDF <font color='red'>x</font> <at id=ou_staff1></at> [下载](http://h/settlements/a_b?sig=x_y)")).toEqual([]);
  });

  it('reads a card\'s header, markdown and button texts but not its callback values or chart data', () => {
    const card = {
      header: { title: { tag: 'plain_text', content: '接待方案' } },
      body: {
        elements: [
          { tag: 'markdown', content: '【待办】task_done' },
          { tag: 'button', text: { tag: 'plain_text', content: '完成' }, behaviors: [{ type: 'callback', value: { action: 'task.done', some_key: 'x_y' } }] },
          { tag: 'chart', chart_spec: { xField: 'month' } },
        ],
      },
    };
    expect(visibleTexts('interactive', card)).toEqual(['接待方案', '【待办】task_done', '完成']);
    expect(identifierFindings([{ id: 'om_1', msgType: 'interactive', content: card }])).toEqual(['om_1: task_done in “【待办】task_done”']);
    expect(identifierFindings([{ id: 'om_2', msgType: 'text', content: { text: '孙会计 settled' } }])).toEqual(['om_2: settled in “孙会计 settled”']);
    expect(asciiIdentifiers('接待台账.xlsx 发票.pdf')).toEqual([]);
    expect(asciiIdentifiers('单位＜at id=all＞＜/at＞＜font color=red＞红')).toEqual([]);
    expect(asciiIdentifiers('单位&#60;at id=all&#62;&#60;/at&#62;&#60;font color=red&#62;红')).toEqual([]);
    expect(asciiIdentifiers('来访人数应为整数，现为「abc」；文件“a_b.exe”')).toEqual([]);
  });
});
