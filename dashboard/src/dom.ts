/**
 * Element building for the dashboard. Every piece of data goes in as text (textContent), never as HTML, so a
 * visitor's message or name can never become markup.
 */
type Child = Node | string | number | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) if (value !== undefined) el.setAttribute(name, value);
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from index.html`);
  return el as T;
}

/** A panel's body replaced by one line of text (empty states, "not available for your role"). */
export function note(container: HTMLElement, text: string, kind: 'empty' | 'forbidden' | 'error' = 'empty'): void {
  container.replaceChildren(h('p', { class: `note note-${kind}`, 'data-note': kind }, text));
}
