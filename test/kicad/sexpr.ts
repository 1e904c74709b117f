/** A KiCad S-expression: an atom (quotes removed) or a list. */
export type Sexpr = string | Sexpr[];

const TOKEN = /\s*(?:(\()|(\))|"((?:[^"\\]|\\.)*)"|([^\s()"]+))/y;

/**
 * Reads one KiCad 6 S-expression file (schematic, board, library) into nested arrays.
 * Like KiCad's own lexer it refuses a raw line break inside a quoted string (KiCad writes `\n`,
 * and eeschema stops loading with "Un-terminated delimited string" on a raw one).
 */
export function parseSexpr(text: string): Sexpr[] {
  const stack: Sexpr[][] = [];
  let current: Sexpr[] = [];
  const top = current;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m && m[0].length > 0; m = TOKEN.exec(text)) {
    if (m[1]) {
      const list: Sexpr[] = [];
      current.push(list);
      stack.push(current);
      current = list;
    } else if (m[2]) {
      const parent = stack.pop();
      if (!parent) throw new Error(`unbalanced ")" at offset ${m.index}`);
      current = parent;
    } else if (m[3] !== undefined) {
      if (m[3].includes('\n')) {
        const line = text.slice(0, m.index).split('\n').length;
        throw new Error(`line break inside a quoted string at line ${line} (KiCad needs \\n)`);
      }
      current.push(m[3].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c)));
    } else {
      current.push(m[4]);
    }
  }
  if (stack.length > 0) throw new Error(`${stack.length} unclosed "(" at end of file`);
  const root = top[0];
  if (!Array.isArray(root)) throw new Error('no S-expression in file');
  return root;
}

/** Child lists of `node` whose head atom is `key`. */
export function children(node: Sexpr[], key: string): Sexpr[][] {
  return node.filter((c): c is Sexpr[] => Array.isArray(c) && c[0] === key);
}

/** First child list headed `key`, or undefined. */
export function child(node: Sexpr[], key: string): Sexpr[] | undefined {
  return children(node, key)[0];
}

/** Atom at `index` of the first child headed `key`, e.g. `atom(pin, 'number', 1)`. */
export function atom(node: Sexpr[], key: string, index = 1): string | undefined {
  const found = child(node, key)?.[index];
  return typeof found === 'string' ? found : undefined;
}
