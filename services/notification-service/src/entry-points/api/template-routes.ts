import { Router } from 'express';
import type { TemplateRepository } from '../../data-access/template-repository';

/** Public: templates hold no personal data, and callers need their variables to send one. */
export function templateRouter(templates: TemplateRepository): Router {
  const router = Router();

  router.get('/templates', (_req, res) => {
    res.json(templates.list());
  });

  return router;
}
