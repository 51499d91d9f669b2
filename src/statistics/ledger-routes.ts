// GET /ledger/template.xlsx: the ledger import template, linked from the 导入台账 answer. It holds no
// data (column names, an example, the allowed values), so it needs no signed link.
import express from 'express';
import { buildLedgerTemplate } from './ledger-template.js';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const TEMPLATE_PATH = '/ledger/template.xlsx';
export const TEMPLATE_FILE_NAME = '接待台账导入模板.xlsx';

export function createLedgerRoutes(): express.Router {
  const router = express.Router();
  let template: Promise<Buffer> | undefined;
  router.get(TEMPLATE_PATH, async (_req, res, next) => {
    try {
      template ??= buildLedgerTemplate().catch((err: unknown) => {
        template = undefined;
        throw err;
      });
      const body = await template;
      res.set({
        'Content-Type': XLSX_TYPE,
        'Content-Disposition': `attachment; filename="ledger-template.xlsx"; filename*=UTF-8''${encodeURIComponent(TEMPLATE_FILE_NAME)}`,
        'Cache-Control': 'no-cache',
        'X-Content-Type-Options': 'nosniff',
      });
      res.status(200).send(body);
    } catch (err) {
      next(err);
    }
  });
  return router;
}
