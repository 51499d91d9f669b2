import pino, { type Logger } from 'pino';

/** JSON logs to stdout; secrets that might ride along in objects are redacted by path. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'jiedai' },
      redact: {
        paths: [
          'appSecret', 'encryptKey', 'verificationToken', '*.appSecret', '*.encryptKey', '*.verificationToken', 'headers.authorization', '*.headers.authorization', 'config.feishu',
          // DingTalk: the app secret and the access token header.
          'clientSecret', '*.clientSecret', 'config.dingtalk', 'headers["x-acs-dingtalk-access-token"]', '*.headers["x-acs-dingtalk-access-token"]',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
