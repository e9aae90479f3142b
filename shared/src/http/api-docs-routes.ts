import path from 'node:path';
import { Router } from 'express';
import type { OpenApiDocument } from './openapi';

/** The Swagger UI files served from the service's own `swagger-ui-dist`: no other host is asked. */
const SWAGGER_UI_FILES = new Set([
  'swagger-ui.css',
  'swagger-ui-bundle.js',
  'swagger-ui-standalone-preset.js',
  'favicon-32x32.png',
  'favicon-16x16.png',
]);
const INITIALIZER = 'swagger-initializer.js';

// Resolved through package.json: the package's index would load the 1.7 MB bundle into the process.
const swaggerUiDirectory = () => path.dirname(require.resolve('swagger-ui-dist/package.json'));

/**
 * `GET /openapi.json` (the document) and `GET /docs` (Swagger UI on it), for a router mounted at
 * `/api`. The page's URLs are relative, so it also works behind a proxy that serves the service
 * under a prefix (the console's `/order-service/...`).
 */
export function apiDocsRouter(document: OpenApiDocument): Router {
  const router = Router();
  const directory = swaggerUiDirectory();
  const page = docsPage(document.info.title);

  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });

  router.get('/docs', (req, res) => {
    // `/api/docs/` would make the page's relative URLs point below docs/docs/.
    if (req.originalUrl.split('?')[0].endsWith('/')) res.redirect(301, '../docs');
    else res.type('html').send(page);
  });

  router.get('/docs/:file', (req, res, next) => {
    const { file } = req.params;
    if (file === INITIALIZER) res.type('js').send(initializerScript);
    else if (SWAGGER_UI_FILES.has(file)) res.sendFile(file, { root: directory, maxAge: '1d' });
    else next();
  });

  return router;
}

function docsPage(title: string): string {
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${escapeHtml(title)}</title>
    <link rel="stylesheet" href="docs/swagger-ui.css" />
    <link rel="icon" type="image/png" href="docs/favicon-32x32.png" sizes="32x32" />
    <link rel="icon" type="image/png" href="docs/favicon-16x16.png" sizes="16x16" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="docs/swagger-ui-bundle.js"></script>
    <script src="docs/swagger-ui-standalone-preset.js"></script>
    <script src="docs/${INITIALIZER}"></script>
  </body>
</html>
`;
}

// The document's URL made absolute, so that its relative server URL resolves against it; no
// validator badge (it would load an image from validator.swagger.io).
const initializerScript = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: new URL('openapi.json', window.location.href).href,
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: 'StandaloneLayout',
  });
};
`;

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (character) =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character] ??
      character,
  );
}
