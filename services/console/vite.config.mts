import { defineConfig } from 'vite';

// The page is served by the console's own server (src/server), which also proxies the three
// services; `vite` alone (the dev server) proxies them the same way, to their default ports.
const services = {
  'order-service': process.env.ORDER_SERVICE_URL ?? 'http://127.0.0.1:3001',
  'inventory-service': process.env.INVENTORY_SERVICE_URL ?? 'http://127.0.0.1:3002',
  'notification-service': process.env.NOTIFICATION_SERVICE_URL ?? 'http://127.0.0.1:3003',
};

export default defineConfig({
  // React's automatic JSX runtime through Vite's own transform: no plugin needed to build.
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: { outDir: 'dist/web', emptyOutDir: true },
  server: {
    proxy: Object.fromEntries(
      Object.entries(services).map(([name, target]) => [
        `/${name}`,
        { target, rewrite: (path: string) => path.slice(name.length + 1) },
      ]),
    ),
  },
});
