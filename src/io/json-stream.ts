/**
 * Writes a value as JSON in chunks, byte for byte what `JSON.stringify(value, null, indent)` returns, without ever
 * holding the whole text (#8 item 5). The import JSON is 6–8 times the size of its document (every cell is kept with
 * its source), so one string for a 19 MB document would be ~150 MB of text, held twice while it is written.
 */

/** Flush to the sink once this many characters are buffered. */
const CHUNK_CHARS = 64 * 1024;

type Sink = (chunk: string) => void;

/** `"key": ` for the few key names of the model, made once. */
const KEYS = new Map<string, string>();
function quotedKey(key: string): string {
  let q = KEYS.get(key);
  if (q === undefined) {
    q = `${JSON.stringify(key)}: `;
    if (KEYS.size < 10_000) KEYS.set(key, q);
  }
  return q;
}

/** Serialises `value` to `write` in chunks of about 64 K characters. Plain data only (the import model). */
export function writeJson(value: unknown, write: Sink, indent = 2): void {
  let buffer: string[] = [];
  let buffered = 0;
  const out = (s: string): void => {
    buffer.push(s);
    buffered += s.length;
    if (buffered >= CHUNK_CHARS) {
      write(buffer.join(''));
      buffer = [];
      buffered = 0;
    }
  };
  const pad = ' '.repeat(indent);

  const emit = (v: unknown, depth: string): void => {
    if (v !== null && typeof v === 'object' && 'toJSON' in v && typeof v.toJSON === 'function') {
      emit((v as { toJSON: () => unknown }).toJSON(), depth);
      return;
    }
    if (Array.isArray(v)) {
      if (v.length === 0) {
        out('[]');
        return;
      }
      const inner = depth + pad;
      out('[');
      v.forEach((item: unknown, i) => {
        out(i === 0 ? `\n${inner}` : `,\n${inner}`);
        // JSON.stringify writes null for array holes, undefined, functions and symbols.
        if (item === undefined || typeof item === 'function' || typeof item === 'symbol') out('null');
        else emit(item, inner);
      });
      out(`\n${depth}]`);
      return;
    }
    if (v !== null && typeof v === 'object') {
      const inner = depth + pad;
      let first = true;
      const record = v as Record<string, unknown>;
      // for…in, not Object.entries: no array per object (the model has hundreds of thousands of small objects).
      for (const key in record) {
        if (!Object.hasOwn(record, key)) continue;
        const item = record[key];
        if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
        out(first ? `{\n${inner}` : `,\n${inner}`);
        first = false;
        out(quotedKey(key));
        emit(item, inner);
      }
      out(first ? '{}' : `\n${depth}}`);
      return;
    }
    out(JSON.stringify(v) ?? 'null');
  };

  emit(value, '');
  if (buffered > 0) write(buffer.join(''));
}
