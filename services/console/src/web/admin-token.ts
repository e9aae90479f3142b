import { useCallback, useState } from 'react';

const STORAGE_KEY = 'console.adminToken';

/** The admin token, entered once and kept for the browser tab's session (sessionStorage). */
export function useAdminToken(): [string, (token: string) => void] {
  const [token, setToken] = useState(() => sessionStorage.getItem(STORAGE_KEY) ?? '');
  const update = useCallback((next: string) => {
    if (next) sessionStorage.setItem(STORAGE_KEY, next);
    else sessionStorage.removeItem(STORAGE_KEY);
    setToken(next);
  }, []);
  return [token, update];
}
