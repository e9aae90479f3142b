import type { MouseEvent } from 'react';
import { useAdminToken } from './admin-token';
import { DeadLettersPage } from './pages/dead-letters-page';
import { InventoryPage } from './pages/inventory-page';
import { OrdersPage } from './pages/orders-page';
import { usePath } from './router';

const PAGES = [
  { path: '/', name: 'Orders' },
  { path: '/inventory', name: 'Inventory' },
  { path: '/dead-letters', name: 'Dead letters' },
] as const;

/** The console: a navigation, the admin token, and the page the address names. */
export function App() {
  const [path, navigate] = usePath();
  const [token, setToken] = useAdminToken();
  const follow = (event: MouseEvent<HTMLAnchorElement>, to: string) => {
    // Ordinary links that load in place; a modified click (new tab) is the browser's.
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    navigate(to);
  };

  return (
    <>
      <header className="top">
        <nav aria-label="Pages">
          {PAGES.map((page) => (
            <a
              key={page.path}
              href={page.path}
              aria-current={path === page.path ? 'page' : undefined}
              onClick={(event) => follow(event, page.path)}
            >
              {page.name}
            </a>
          ))}
        </nav>
        <label className="token">
          Admin token
          <input
            type="password"
            autoComplete="off"
            value={token}
            onChange={(event) => setToken(event.target.value.trim())}
          />
        </label>
      </header>
      <main>
        {path === '/inventory' ? (
          <InventoryPage token={token} />
        ) : path === '/dead-letters' ? (
          <DeadLettersPage token={token} />
        ) : (
          <OrdersPage token={token} />
        )}
      </main>
    </>
  );
}
