/**
 * WAI-ARIA tabs with a roving tab index: one Tab stop for the whole tab list, arrow keys move
 * between tabs (automatic activation), Home/End jump to the ends. Each tab is a link to its hash
 * route, so the browser's history and a reload keep the selected tab.
 */
import type { ComponentChildren } from 'preact';
import { useRef } from 'preact/hooks';

export type TabItem<Id extends string> = { readonly id: Id; readonly label: string; readonly href: string };

export function Tabs<Id extends string>(props: {
  label: string;
  idPrefix: string;
  items: readonly TabItem<Id>[];
  selected: Id;
  onSelect(id: Id): void;
}) {
  const { items, selected, idPrefix } = props;
  const list = useRef<HTMLDivElement>(null);
  const focusTab = (index: number) => {
    const n = items.length;
    const item = items[((index % n) + n) % n];
    if (!item) return;
    props.onSelect(item.id);
    list.current?.querySelector<HTMLElement>(`#${idPrefix}-tab-${item.id}`)?.focus();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const current = items.findIndex((i) => i.id === selected);
    const moves: Record<string, number> = {
      ArrowRight: current + 1,
      ArrowLeft: current - 1,
      Home: 0,
      End: items.length - 1,
    };
    const to = moves[e.key];
    if (to === undefined) return;
    e.preventDefault();
    focusTab(to);
  };
  return (
    <div role="tablist" aria-label={props.label} class="tabs" ref={list} onKeyDown={onKeyDown}>
      {items.map((item) => {
        const isSelected = item.id === selected;
        return (
          <a
            key={item.id}
            id={`${idPrefix}-tab-${item.id}`}
            role="tab"
            href={item.href}
            class="tabs__tab"
            aria-selected={isSelected ? 'true' : 'false'}
            aria-controls={`${idPrefix}-panel`}
            tabIndex={isSelected ? 0 : -1}
            onClick={(e) => {
              e.preventDefault();
              props.onSelect(item.id);
            }}
          >
            {item.label}
          </a>
        );
      })}
    </div>
  );
}

export function TabPanel(props: { idPrefix: string; selected: string; children: ComponentChildren }) {
  return (
    <div
      role="tabpanel"
      id={`${props.idPrefix}-panel`}
      aria-labelledby={`${props.idPrefix}-tab-${props.selected}`}
      class="tabs__panel"
    >
      {props.children}
    </div>
  );
}
