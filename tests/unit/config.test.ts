import { describe, expect, it } from 'vitest';
import { bundled, ConfigError, loadConfig } from '../../src/config.js';

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
    expect(names.sort()).toEqual(['DATABASE_URL', 'FEISHU_MODE', 'LOG_LEVEL', 'PORT', 'TZ_NAME']);
  });

  it('refuses webhook mode without an encrypt key', () => {
    expect(() => loadConfig({ FEISHU_APP_ID: 'cli_x', FEISHU_APP_SECRET: 's', FEISHU_MODE: 'webhook' })).toThrow(/FEISHU_ENCRYPT_KEY/);
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
