// Keeps a container's children in step with a list of keyed items, re-rendering only the items
// whose inputs changed, so what people type or open in the other items stays as it was.
import { toElement } from '../format.js';

const rendered = new WeakMap();

const sameInputs = (a, b) => a.length === b.length && a.every((value, index) => value === b[index]);

/** items: [{ key, inputs: [...values the markup depends on], render: () => markup }] */
export function patchList(container, items) {
  const previous = rendered.get(container) ?? new Map();
  const next = new Map();
  const elements = items.map((item) => {
    const known = previous.get(item.key);
    let element = known?.element;
    if (!known || !sameInputs(known.inputs, item.inputs)) {
      const fresh = toElement(item.render());
      element?.replaceWith(fresh);
      element = fresh;
    }
    next.set(item.key, { inputs: item.inputs, element });
    return element;
  });
  const current = container.children;
  if (current.length !== elements.length || elements.some((element, index) => current[index] !== element)) {
    container.replaceChildren(...elements);
  }
  rendered.set(container, next);
}
