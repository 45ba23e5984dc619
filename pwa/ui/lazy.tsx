/**
 * A screen loaded on first use, so that the first load stays small (the company screen with its
 * five tabs, the KSeF messages table). Offline it comes from the service worker's precache like
 * every other file. Plain Preact: no compat layer for one Suspense.
 */
import type { ComponentType, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export function lazyComponent<P extends object>(
  load: () => Promise<ComponentType<P>>,
  fallback: (props: P) => JSX.Element | null = () => null,
): ComponentType<P> {
  let loaded: ComponentType<P> | undefined;
  let loading: Promise<ComponentType<P>> | undefined;
  return function Lazy(props: P) {
    const [Component, setComponent] = useState<ComponentType<P> | undefined>(() => loaded);
    useEffect(() => {
      if (Component) return;
      let live = true;
      loading ??= load().then((c) => {
        loaded = c;
        return c;
      });
      void loading.then((c) => live && setComponent(() => c));
      return () => {
        live = false;
      };
    }, [Component]);
    return Component ? <Component {...props} /> : fallback(props);
  };
}
