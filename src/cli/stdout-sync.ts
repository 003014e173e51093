/**
 * Blocking writes to standard output. `process.stdout.write` on a pipe queues the text in memory when the reader is
 * slower than we are, so a 28 MB import JSON piped to `jq` or another program was held whole in the queue (+70 MB of
 * peak memory, #8 item 5). Writing each chunk with `fs.writeSync` waits for the reader instead.
 */
import { writeSync } from 'node:fs';

const STDOUT = 1;
const pause = new Int32Array(new SharedArrayBuffer(4));

/** Writes `text` to standard output completely before returning. */
export function writeStdoutSync(text: string): void {
  let bytes = Buffer.from(text, 'utf8');
  while (bytes.length > 0) {
    try {
      const n = writeSync(STDOUT, bytes);
      bytes = bytes.subarray(n);
    } catch (e) {
      // A non-blocking pipe that is full: wait a moment for the reader, then go on.
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(pause, 0, 0, 5);
    }
  }
}
