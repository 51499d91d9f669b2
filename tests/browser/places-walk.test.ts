// The library walked in Chromium against the real server: 赵敏 (the office) sends 导入点位, the file,
// and taps 确认导入 on the preview; 王小明 chooses 考察线路 on the request form; 李建国 sees the timed
// itinerary on his approval card. (The review the day after departure needs a clock the real server
// does not let a walk move: it is walked in tests/e2e/places.test.ts.)
import { describe, expect, it } from 'vitest';
import { PLACE_COLUMNS } from '../../src/places/places-file.js';
import { fillRequestForm, isoDate, useSimulatorPage } from './harness.js';

const sim = useSimulatorPage();
const FILE = [
  PLACE_COLUMNS.join(','),
  '点位,高新区产业园,高新区创业大道1号,展示新材料与装备制造产业集群,工业经济之路,40,王丽,,,,',
  '点位,富硒食品产业园,,展示富硒茶与富硒食品全产业链,工业经济之路,30,陈静,,,,',
  '线路,工业经济之路,,,工业经济之路,,,,,,高新区产业园→富硒食品产业园(车程20分钟)',
].join('\n');

describe('the library walked on the simulator page (安康 "工业经济之路")', () => {
  it('the office imports the library; a request with a route shows its timed itinerary to the approver', async () => {
    await sim.actAs('office');
    await sim.say('导入点位');
    await sim.cardMessage('导入点位库').waitFor({ timeout: 15_000 });
    // As the page sends a file: multipart/form-data, the person and name first, then the file.
    const form = new FormData();
    form.set('user', 'ou_office1');
    form.set('name', '点位库.csv');
    form.set('file', new Blob([FILE], { type: 'text/csv' }), '点位库.csv');
    const up = await fetch(`${sim.server.base}/sim/api/upload`, { method: 'POST', body: form });
    expect(up.status).toBe(200);
    const preview = sim.cardMessage('点位库导入预览');
    await preview.waitFor({ timeout: 15_000 });
    expect(await preview.innerText()).toContain('共 3 行：点位 2、线路 1；新增 3，更新 0，未变 0');
    await preview.locator('button[data-name="import"]').click();
    await sim.cardMessage('点位库导入完成').waitFor({ timeout: 15_000 });

    await sim.actAs('staff');
    await sim.say('新建接待');
    const formMsg = sim.page.locator('.msg-bot[data-testid="message"]', { has: sim.page.locator('form [data-name="route"]') }).last();
    await formMsg.waitFor({ timeout: 15_000 });
    await fillRequestForm(formMsg, { guestUnit: '市商务局', leadName: '张明', arriveDate: isoDate(6), departDate: isoDate(6) });
    await formMsg.locator('select[data-name="route"]').selectOption('工业经济之路');
    await formMsg.locator('[data-name="arrive_time"]').fill('09:30');
    const answered = sim.page.waitForResponse((r) => r.url().endsWith('/sim/api/card-action'));
    await formMsg.locator('button[data-name="submit"]').click();
    const body = await (await answered).json();
    expect(body.toast, JSON.stringify(body)).toMatchObject({ type: 'success' });
    const code = /JD-\d{4}-\d{4,}/.exec(String(body.toast.content))![0];

    await sim.actAs('head');
    const card = sim.cardMessage(`接待审批：${code}`);
    await card.waitFor({ timeout: 15_000 });
    const text = await card.innerText();
    expect(text).toContain('考察线路：工业经济之路');
    expect(text).toContain('09:30—10:10 高新区产业园（讲解：王丽）');
    expect(text).toContain('车程约20分钟');
    expect(text).toContain('10:30—11:00 富硒食品产业园（讲解：陈静）');
    expect(sim.errors).toEqual([]);
  }, 120_000);
});
