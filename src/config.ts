import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Bundled files used when ORG_FILE / POLICY_FILE are unset, so `npm start` works out of the box. */
export const bundled = {
  org: path.join(root, 'config', 'org.example.yaml'),
  policy: path.join(root, 'config', 'policy.national.yaml'),
};

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());

const onOffValue = z.enum(['on', 'off'], { message: 'must be on or off' });
const onOff = z.preprocess(emptyToUndefined, onOffValue.default('off'));

/**
 * The sync switches: each lists the requests or the visits in a place of its platform's own, so `on`
 * needs that platform's app and is refused without one. They are switches, not credentials: none of
 * them makes an app half-configured (halfConfigured below).
 */
const SWITCHES = [
  // The 审批 center is Feishu's: without a Feishu app there is nowhere to list the requests.
  { key: 'FEISHU_APPROVAL_SYNC' as const, app: 'FEISHU_APP_ID' as const, refusal: 'on needs a Feishu app: set FEISHU_APP_ID and FEISHU_APP_SECRET, or set FEISHU_APPROVAL_SYNC=off' },
  // The leaders' calendars are Feishu calendars: there is none to write to in the simulator or on DingTalk.
  { key: 'FEISHU_CALENDAR_SYNC' as const, app: 'FEISHU_APP_ID' as const, refusal: "on needs a Feishu app (FEISHU_APP_ID and FEISHU_APP_SECRET): the leaders' calendars are Feishu calendars" },
  // DingTalk's 待办 and calendars: without a DingTalk app there is none to write to.
  ...(['DINGTALK_TODO_SYNC', 'DINGTALK_CALENDAR_SYNC'] as const).map((key) => ({ key, app: 'DINGTALK_CLIENT_ID' as const, refusal: `on needs a DingTalk app: set DINGTALK_CLIENT_ID and DINGTALK_CLIENT_SECRET, or set ${key}=off` })),
];
const SWITCH_KEYS: readonly string[] = SWITCHES.map((sw) => sw.key);

const schema = z
  .object({
    PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
    HOST: z.preprocess(emptyToUndefined, z.string().regex(/^[0-9A-Za-z.:_-]{1,255}$/, 'must be an address such as 0.0.0.0 or 127.0.0.1').optional()),
    DATABASE_URL: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
        .optional(),
    ),
    DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('./data')),
    ORG_FILE: z.preprocess(emptyToUndefined, z.string().default(bundled.org)),
    POLICY_FILE: z.preprocess(emptyToUndefined, z.string().default(bundled.policy)),
    FEISHU_APP_ID: z.preprocess(
      emptyToUndefined,
      z.string().regex(/^cli_[0-9a-zA-Z]+$/, 'must look like cli_xxxxxxxxxxxxxxxx').optional(),
    ),
    FEISHU_APP_SECRET: optionalString,
    FEISHU_ENCRYPT_KEY: optionalString,
    FEISHU_VERIFICATION_TOKEN: optionalString,
    FEISHU_BASE_URL: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .url('must be a URL such as https://open.feishu.cn')
        .transform((u) => u.replace(/\/+$/, ''))
        .default('https://open.feishu.cn'),
    ),
    PUBLIC_URL: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .url('must be a URL such as https://jiedai.example.gov.cn')
        .transform((u) => u.replace(/\/+$/, ''))
        .optional(),
    ),
    LINK_SECRET: z.preprocess(emptyToUndefined, z.string().min(16, 'must be at least 16 characters').optional()),
    DINGTALK_CLIENT_ID: optionalString,
    DINGTALK_CLIENT_SECRET: optionalString,
    DINGTALK_ROBOT_CODE: optionalString,
    DINGTALK_CORP_ID: optionalString,
    DINGTALK_BASE_URL: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .url('must be a URL such as https://api.dingtalk.com')
        .transform((u) => u.replace(/\/+$/, ''))
        .default('https://api.dingtalk.com'),
    ),
    DINGTALK_OAPI_BASE_URL: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .url('must be a URL such as https://oapi.dingtalk.com')
        .transform((u) => u.replace(/\/+$/, ''))
        .optional(),
    ),
    FEISHU_MODE: z.preprocess(emptyToUndefined, z.enum(['ws', 'webhook']).default('ws')),
    FEISHU_APPROVAL_SYNC: onOff,
    FEISHU_CALENDAR_SYNC: onOff,
    DINGTALK_TODO_SYNC: onOff,
    DINGTALK_CALENDAR_SYNC: onOff,
    WORK_THREAD: z.preprocess(emptyToUndefined, onOffValue.optional()),
    TZ_NAME: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .refine(isTimeZone, 'must be an IANA time zone such as Asia/Shanghai')
        .default('Asia/Shanghai'),
    ),
    LOG_LEVEL: z.preprocess(
      emptyToUndefined,
      z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    ),
  })
  .superRefine((env, ctx) => {
    // An app's id and secret come together.
    for (const [given, needed] of [['FEISHU_APP_ID', 'FEISHU_APP_SECRET'], ['FEISHU_APP_SECRET', 'FEISHU_APP_ID'], ['DINGTALK_CLIENT_ID', 'DINGTALK_CLIENT_SECRET'], ['DINGTALK_CLIENT_SECRET', 'DINGTALK_CLIENT_ID']] as const) {
      if (env[given] && !env[needed]) ctx.addIssue({ code: 'custom', path: [needed], message: `is required when ${given} is set` });
    }
    if (env.DINGTALK_CLIENT_ID && !env.PUBLIC_URL) {
      // The forms are pages the bot serves: a phone must be able to open their links.
      ctx.addIssue({ code: 'custom', path: ['PUBLIC_URL'], message: 'is required with DingTalk: the form pages are linked from the cards, and a phone cannot open http://localhost' });
    }
    if (env.DINGTALK_CLIENT_ID && env.FEISHU_APP_ID) {
      ctx.addIssue({ code: 'custom', path: ['DINGTALK_CLIENT_ID'], message: 'one messenger at a time: unset either the FEISHU_ or the DINGTALK_ variables' });
    }
    for (const sw of SWITCHES) {
      if (env[sw.key] === 'on' && !env[sw.app]) ctx.addIssue({ code: 'custom', path: [sw.key], message: sw.refusal });
    }
    // PGlite is one connection inside this thread: a second thread cannot share it.
    if (env.WORK_THREAD === 'on' && !env.DATABASE_URL) ctx.addIssue({ code: 'custom', path: ['WORK_THREAD'], message: 'on needs DATABASE_URL (PostgreSQL): the embedded database cannot be shared with a second thread' });
    if (env.FEISHU_APP_ID && env.FEISHU_MODE === 'webhook' && !env.FEISHU_ENCRYPT_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['FEISHU_ENCRYPT_KEY'],
        message: 'is required in webhook mode: without it events cannot be verified',
      });
    }
  });

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export type Env = z.infer<typeof schema>;

/**
 * Fail closed: a FEISHU_ or DINGTALK_ variable without the app id and secret that complete it is a
 * deployment gone wrong (a typo, a secret that failed to mount), not a wish for the local simulator,
 * which would otherwise start in its place and act as anyone on that database.
 */
function halfConfigured(env: Record<string, string | undefined>): string[] {
  const set = (k: string) => typeof env[k] === 'string' && env[k]!.trim() !== '';
  const problems: string[] = [];
  for (const [prefix, id, secret] of [
    ['FEISHU_', 'FEISHU_APP_ID', 'FEISHU_APP_SECRET'],
    ['DINGTALK_', 'DINGTALK_CLIENT_ID', 'DINGTALK_CLIENT_SECRET'],
  ] as const) {
    // The sync switches are not credentials: `on` without an app is refused with its own message.
    const given = Object.keys(env).filter((k) => k.startsWith(prefix) && !SWITCH_KEYS.includes(k) && set(k)).sort();
    const missing = [id, secret].filter((k) => !set(k));
    if (given.length && missing.length) {
      problems.push(`${missing.join(', ')}: required, because ${given.join(', ')} ${given.length > 1 ? 'are' : 'is'} set; refusing to start the local simulator on a half-configured app (unset every ${prefix} variable to run the simulator)`);
    }
  }
  return problems;
}

export interface Config {
  port: number;
  /** The address to listen on: HOST, else 127.0.0.1 for the local simulator and every interface for an app. */
  host?: string;
  databaseUrl?: string;
  dataDir: string;
  orgFile: string;
  policyFile: string;
  timeZone: string;
  logLevel: Env['LOG_LEVEL'];
  /** WORK_THREAD (default: on with PostgreSQL): the events' own work runs in a thread of its own (src/work-thread.ts). */
  workThread: boolean;
  /**
   * Signed, expiring links to settlement exports and DingTalk forms: the address people open them at,
   * and the key that signs them. Without LINK_SECRET the key is '' here and openCore fills it in with
   * the random key kept in the database (generated at first start; see app.ts linkSecret).
   */
  links: { baseUrl: string; secret: string; fromEnv: boolean };
  /** Present when a Feishu app is configured; absent means the local simulator runs instead. */
  feishu?: {
    appId: string;
    appSecret: string;
    encryptKey?: string;
    verificationToken?: string;
    baseUrl: string;
    mode: 'ws' | 'webhook';
    /** FEISHU_APPROVAL_SYNC=on: every request is also listed in Feishu's 审批 center (docs/approvals.md). */
    approvalSync: boolean;
    /** FEISHU_CALENDAR_SYNC=on: each approved reception goes into its accompanying leaders' Feishu calendars. */
    calendarSync?: boolean;
  };
  /** Present when a DingTalk app is configured (Stream mode); the org file's ids are then staff ids. */
  dingtalk?: {
    clientId: string;
    clientSecret: string;
    /** The robot's code; for an internal app's robot it is the app's client id. */
    robotCode: string;
    /** The OpenAPI and the Stream gateway (https://api.dingtalk.com). */
    baseUrl: string;
    /** The old API host, for media upload (https://oapi.dingtalk.com). */
    oapiBaseUrl: string;
    /** The unit's corpId: when set, the H5 form page signs the person in through DingTalk (JSAPI requestAuthCode). */
    corpId?: string;
    /** DINGTALK_TODO_SYNC=on: each approval waiting on someone is also a DingTalk 待办 of theirs (docs/approvals.md). */
    todoSync?: boolean;
    /** DINGTALK_CALENDAR_SYNC=on: each approved reception goes into its accompanying leaders' DingTalk calendars. */
    calendarSync?: boolean;
  };
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID' as const;
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Pure: reads only the object it is given. Reports every bad variable at once. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = schema.safeParse(env);
  const half = halfConfigured(env);
  if (!parsed.success || half.length) {
    const problems = [...half, ...(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`))];
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  const simulator = !e.FEISHU_APP_ID && !e.DINGTALK_CLIENT_ID;
  return {
    port: e.PORT,
    host: e.HOST ?? (simulator ? '127.0.0.1' : undefined),
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    orgFile: e.ORG_FILE,
    policyFile: e.POLICY_FILE,
    timeZone: e.TZ_NAME,
    logLevel: e.LOG_LEVEL,
    workThread: e.WORK_THREAD ? e.WORK_THREAD === 'on' : Boolean(e.DATABASE_URL),
    links: {
      baseUrl: e.PUBLIC_URL ?? `http://localhost:${e.PORT}`,
      secret: e.LINK_SECRET ?? '',
      fromEnv: Boolean(e.LINK_SECRET),
    },
    feishu:
      e.FEISHU_APP_ID && e.FEISHU_APP_SECRET
        ? {
            appId: e.FEISHU_APP_ID,
            appSecret: e.FEISHU_APP_SECRET,
            encryptKey: e.FEISHU_ENCRYPT_KEY,
            verificationToken: e.FEISHU_VERIFICATION_TOKEN,
            baseUrl: e.FEISHU_BASE_URL,
            mode: e.FEISHU_MODE,
            approvalSync: e.FEISHU_APPROVAL_SYNC === 'on',
            calendarSync: e.FEISHU_CALENDAR_SYNC === 'on',
          }
        : undefined,
    dingtalk:
      e.DINGTALK_CLIENT_ID && e.DINGTALK_CLIENT_SECRET
        ? {
            clientId: e.DINGTALK_CLIENT_ID,
            clientSecret: e.DINGTALK_CLIENT_SECRET,
            robotCode: e.DINGTALK_ROBOT_CODE ?? e.DINGTALK_CLIENT_ID,
            baseUrl: e.DINGTALK_BASE_URL,
            // A fake in tests serves both; in production the old API has its own host.
            oapiBaseUrl: e.DINGTALK_OAPI_BASE_URL ?? (e.DINGTALK_BASE_URL === 'https://api.dingtalk.com' ? 'https://oapi.dingtalk.com' : e.DINGTALK_BASE_URL),
            ...(e.DINGTALK_CORP_ID ? { corpId: e.DINGTALK_CORP_ID } : {}),
            todoSync: e.DINGTALK_TODO_SYNC === 'on',
            calendarSync: e.DINGTALK_CALENDAR_SYNC === 'on',
          }
        : undefined,
  };
}

/** The one place that touches process.env. */
export function loadConfigFromProcess(): Config {
  return loadConfig(process.env);
}

/** For the command-line tools: the configuration, or undefined after printing what is wrong to stderr. */
export function loadToolConfig(): Config | undefined {
  try {
    return loadConfigFromProcess();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    return undefined;
  }
}
