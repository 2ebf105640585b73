// Finds where a field path lives in a parsed YAML document, so problems point at the exact
// line and column people need to edit.
import { type Document, isAlias, isMap, isScalar, isSeq, type LineCounter, type Node } from 'yaml';
import type { FieldPath } from './describe-issue.ts';

export interface Position {
  line: number;
  column: number;
}

export interface YamlLocator {
  /** The value at `path`, or the deepest node on the way there if the path stops early. */
  valueAt(path: FieldPath): Position;
  /** The key that names the field at `path`; the value's position if it has no key. */
  keyAt(path: FieldPath): Position;
  /** The position of a character offset in the source. */
  offset(offset: number): Position;
}

export function positionAt(lineCounter: LineCounter, offset: number): Position {
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

export function createYamlLocator(doc: Document, lineCounter: LineCounter): YamlLocator {
  const offset = (at: number) => positionAt(lineCounter, at);
  const start = (node: Node | null | undefined): Position => offset(node?.range?.[0] ?? 0);
  return {
    valueAt: (path) => start(walk(doc, path).value),
    keyAt: (path) => {
      const { value, key } = walk(doc, path);
      return start(key ?? value);
    },
    offset,
  };
}

function walk(doc: Document, path: FieldPath): { value: Node | null; key?: Node | undefined } {
  let value = doc.contents;
  let key: Node | undefined;
  for (const segment of path) {
    const collection = isAlias(value) ? value.resolve(doc) : value;
    let next: { key?: Node; value: unknown } | undefined;
    if (isMap(collection)) {
      const pair = collection.items.find((item) => String(isScalar(item.key) ? item.key.value : item.key) === String(segment));
      if (pair) next = { key: pair.key as Node, value: pair.value };
    } else if (isSeq(collection) && typeof segment === 'number') {
      next = { value: collection.items[segment] };
    }
    // `field:` with nothing after it has no value node; its key is the best place to point.
    if (!next || !isNode(next.value)) return { value: next?.key ?? value, key: next?.key };
    value = next.value;
    key = next.key;
  }
  return { value, key };
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && 'range' in value;
}
