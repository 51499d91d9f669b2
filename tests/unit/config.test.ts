import { describe, expect, it } from 'vitest';
import { bundled, ConfigError, loadConfig } from '../../src/config.js';
import { configProblems } from './config-problems.js';

describe('loadConfig', () => {
  it('runs the local simulator on PGlite with the bundled files when nothing is set', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.dataDir).toBe('./data');
    expect(c.orgFile).toBe(bundled.org);
    expect(c.policyFile).toBe(bundled.policy);
    expect(c.timeZone).toBe('Asia/Shanghai');
    expect(c.feishu).toBeUndefined();
  });

  it('configures Feishu in long-connection mode by default when an app is set', () => {
    const c = loadConfig({ FEISHU_APP_ID: 'cli_a1b2c3d4e5f60708', FEISHU_APP_SECRET: 's3cret' });
    expect(c.feishu).toMatchObject({ appId: 'cli_a1b2c3d4e5f60708', mode: 'ws', baseUrl: 'https://open.feishu.cn' });
  });

  it('strips a trailing slash from FEISHU_BASE_URL so SDK paths join cleanly', () => {
    const c = loadConfig({ FEISHU_APP_ID: 'cli_x', FEISHU_APP_SECRET: 's', FEISHU_BASE_URL: 'http://127.0.0.1:9000/' });
    expect(c.feishu?.baseUrl).toBe('http://127.0.0.1:9000');
  });

  it('reports every bad variable at once, naming each', () => {
    let err: unknown;
    try {
      loadConfig({ PORT: '99999', DATABASE_URL: 'mysql://x', FEISHU_MODE: 'carrier-pigeon', TZ_NAME: 'Mars/Olympus', LOG_LEVEL: 'loud' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const names = (err as ConfigError).problems.map((p) => p.split(':')[0]);
    // FEISHU_MODE alone is also a half-configured Feishu app: its id and secret are named as missing.
    expect(names.sort()).toEqual(['DATABASE_URL', 'FEISHU_APP_ID, FEISHU_APP_SECRET', 'FEISHU_MODE', 'LOG_LEVEL', 'PORT', 'TZ_NAME']);
  });

  it('refuses any FEISHU_ or DINGTALK_ setting without the app id and secret that complete it, naming what is set', () => {
    const half = { DATABASE_URL: 'postgres://db.example/prod', FEISHU_MODE: 'webhook', FEISHU_ENCRYPT_KEY: 'k', PUBLIC_URL: 'https://jiedai.example.gov.cn' };
    expect(() => loadConfig(half)).toThrow(/FEISHU_APP_ID, FEISHU_APP_SECRET: required, because FEISHU_ENCRYPT_KEY, FEISHU_MODE are set; refusing to start the local simulator/);
    expect(() => loadConfig({ FEISHU_VERIFICATION_TOKEN: 't' })).toThrow(/FEISHU_APP_ID, FEISHU_APP_SECRET: required/);
    expect(() => loadConfig({ FEISHU_APP_SECRET: 's' })).toThrow(/FEISHU_APP_ID: required/);
    expect(() => loadConfig({ DINGTALK_ROBOT_CODE: 'r', DINGTALK_CORP_ID: 'c' })).toThrow(/DINGTALK_CLIENT_ID, DINGTALK_CLIENT_SECRET: required, because DINGTALK_CORP_ID, DINGTALK_ROBOT_CODE are set/);
  });

  it('listens on 127.0.0.1 for the simulator and on every interface for an app, unless HOST says otherwise', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(loadConfig({ FEISHU_APP_ID: 'cli_x', FEISHU_APP_SECRET: 's' }).host).toBeUndefined();
    expect(loadConfig({ FEISHU_APP_ID: 'cli_x', FEISHU_APP_SECRET: 's', HOST: '10.0.0.5' }).host).toBe('10.0.0.5');
    expect(() => loadConfig({ HOST: 'a b' })).toThrow(/HOST/);
  });

  it('takes no link key from a constant: without LINK_SECRET the key is left to the database', () => {
    expect(loadConfig({}).links).toMatchObject({ secret: '', fromEnv: false });
    expect(loadConfig({ FEISHU_APP_ID: 'cli_x', FEISHU_APP_SECRET: 's' }).links).toMatchObject({ secret: '', fromEnv: false });
    expect(loadConfig({ LINK_SECRET: 'a-long-enough-link-secret' }).links).toMatchObject({ secret: 'a-long-enough-link-secret', fromEnv: true });
  });

  it('refuses webhook mode without an encrypt key', () => {
    expect(() => loadConfig({ FEISHU_APP_ID: 'cli_x', FEISHU_APP_SECRET: 's', FEISHU_MODE: 'webhook' })).toThrow(/FEISHU_ENCRYPT_KEY/);
  });

  it('runs the work in a thread of its own on PostgreSQL unless WORK_THREAD=off, and refuses WORK_THREAD=on on the embedded database', () => {
    const pg = 'postgres://postgres@127.0.0.1:5432/jiedai';
    expect(loadConfig({}).workThread).toBe(false);
    expect(loadConfig({ DATABASE_URL: pg }).workThread).toBe(true);
    expect(loadConfig({ DATABASE_URL: pg, WORK_THREAD: 'off' }).workThread).toBe(false);
    expect(configProblems({ WORK_THREAD: 'on' })).toEqual(['WORK_THREAD: on needs DATABASE_URL (PostgreSQL): the embedded database cannot be shared with a second thread']);
    expect(configProblems({ DATABASE_URL: pg, WORK_THREAD: 'yes' })).toEqual(['WORK_THREAD: must be on or off']);
  });

  it('refuses an app id without its secret', () => {
    expect(() => loadConfig({ FEISHU_APP_ID: 'cli_x' })).toThrow(/FEISHU_APP_SECRET/);
  });

  it('treats empty variables as unset', () => {
    const c = loadConfig({ PORT: '', DATABASE_URL: '', FEISHU_APP_ID: '' });
    expect(c.port).toBe(3000);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.feishu).toBeUndefined();
  });
});
