/** Writes a key path the way a user would look it up: `influx.token`, `nodes["a2:b2"]`. */
export function keyPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) && path[0] !== 'nodes') out += out ? `.${key}` : key;
    else if (out === '') out = String(key);
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out || '(top level)';
}
