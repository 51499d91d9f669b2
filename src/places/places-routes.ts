// GET /places/template.csv: the library import template (the columns and example rows), linked from
// the 导入点位 answer. It holds no data of the office, so it needs no signed link.
import express from 'express';
import { placesTemplateCsv } from './places-template.js';

export const PLACES_TEMPLATE_PATH = '/places/template.csv';

export function createPlacesRoutes(): express.Router {
  const router = express.Router();
  router.get(PLACES_TEMPLATE_PATH, (_req, res) => {
    res.set({
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="places-template.csv"; filename*=UTF-8''${encodeURIComponent('点位库导入模板.csv')}`,
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
    });
    res.status(200).send(placesTemplateCsv());
  });
  return router;
}
