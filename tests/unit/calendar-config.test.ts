// FEISHU_CALENDAR_SYNC: off unless set on, and on only with a Feishu app.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { configProblems } from './config-problems.js';

const APP = { FEISHU_APP_ID: 'cli_a1b2c3d4e5f60708', FEISHU_APP_SECRET: 's3cret' };
const problems = configProblems;

describe('FEISHU_CALENDAR_SYNC', () => {
  it('is off by default, and on when set so with a Feishu app', () => {
    expect(loadConfig(APP).feishu?.calendarSync).toBe(false);
    expect(loadConfig({ ...APP, FEISHU_CALENDAR_SYNC: 'off' }).feishu?.calendarSync).toBe(false);
    expect(loadConfig({ ...APP, FEISHU_CALENDAR_SYNC: 'on' }).feishu?.calendarSync).toBe(true);
  });

  it('on without a Feishu app refuses to start, saying the calendars are Feishu’s', () => {
    expect(problems({ FEISHU_CALENDAR_SYNC: 'on' })).toContain("FEISHU_CALENDAR_SYNC: on needs a Feishu app (FEISHU_APP_ID and FEISHU_APP_SECRET): the leaders' calendars are Feishu calendars");
    // On DingTalk too: the variable names a Feishu feature.
    const dingtalk = { DINGTALK_CLIENT_ID: 'ding1', DINGTALK_CLIENT_SECRET: 's', PUBLIC_URL: 'https://jiedai.example.gov.cn' };
    expect(problems({ ...dingtalk, FEISHU_CALENDAR_SYNC: 'on' }).some((p) => p.startsWith('FEISHU_CALENDAR_SYNC: on needs a Feishu app'))).toBe(true);
  });

  it('refuses anything but on or off', () => {
    expect(problems({ ...APP, FEISHU_CALENDAR_SYNC: 'yes' })).toEqual(['FEISHU_CALENDAR_SYNC: must be on or off']);
  });
});
