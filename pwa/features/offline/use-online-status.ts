/**
 * Whether the browser believes it is online. `navigator.onLine === false` is reliable (no network
 * at all); `true` may still mean KSeF is unreachable, which the actions report as NETWORK errors.
 */
import { useEffect, useState } from 'preact/hooks';

export function useOnlineStatus(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }, []);
  return online;
}
