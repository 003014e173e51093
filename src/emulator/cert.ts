/** Self-signed localhost certificate, generated on first start and reused from the cert directory (#3). */
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import selfsigned from 'selfsigned';

export interface CertPair { cert: string; key: string }

/**
 * Loads `localhost-cert.pem`/`localhost-key.pem` from `dir`, creating them (valid 825 days) if missing. The directory
 * is owner-only (0700) and the key 0600, also when they were made earlier with wider modes (#8).
 */
export function loadOrCreateCert(dir: string): CertPair {
  const certPath = join(dir, 'localhost-cert.pem');
  const keyPath = join(dir, 'localhost-key.pem');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  if (existsSync(certPath) && existsSync(keyPath)) {
    chmodSync(keyPath, 0o600);
    return { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
  }
  // Node's native RSA keygen is much faster than node-forge's; selfsigned only signs.
  const keyPair = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs1', format: 'pem' } });
  const pems = selfsigned.generate([{ name: 'commonName', value: 'localhost' }, { name: 'organizationName', value: 'followup local Graph service' }], {
    keyPair,
    days: 825,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', keyCertSign: true, digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }, { type: 7, ip: '::1' }] },
    ],
  } as Parameters<typeof selfsigned.generate>[1]);
  writeFileSync(certPath, pems.cert, { mode: 0o644 });
  writeFileSync(keyPath, pems.private, { mode: 0o600 });
  return { cert: pems.cert, key: pems.private };
}
