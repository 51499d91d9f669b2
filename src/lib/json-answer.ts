// A JSON answer on a plain Node response, as express's res.json writes it (status, type, length):
// for the paths that answer before express (the Feishu webhook, the shutdown's 503).
import type { ServerResponse } from 'node:http';

export function answerJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}
