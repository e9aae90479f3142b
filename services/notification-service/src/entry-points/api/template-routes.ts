import { Router } from 'express';
import type { TemplateRepositoryPort } from '../../domain/notification-ports';

/** Public: templates hold no personal data, and callers need their variables to send one. */
export function templateRouter(templates: Pick<TemplateRepositoryPort, 'list'>): Router {
  const router = Router();

  router.get('/templates', (_req, res) => {
    res.json(templates.list());
  });

  return router;
}
