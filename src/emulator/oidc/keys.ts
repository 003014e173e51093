/**
 * The identity provider's signing key (#13): RSA 2048 for RS256, made on first start and kept in the database (the
 * `meta` table, beside the HS256 secret), so tokens and the published key survive restarts. The `kid` is the key's
 * RFC 7638 thumbprint.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

import { type Db, getMeta } from '../db.js';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The public JWK as published at `jwks_uri`. */
  jwk: { kty: 'RSA'; use: 'sig'; alg: 'RS256'; kid: string; n: string; e: string };
}

const META_KEY = 'oidc_signing_key';

/** Loads the key from the database, creating it on first use. */
export function loadSigningKey(db: Db): SigningKey {
  let pem = getMeta(db, META_KEY);
  if (!pem) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    db.prepare('INSERT OR IGNORE INTO meta(key, value) VALUES (?, ?)').run(META_KEY, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    pem = getMeta(db, META_KEY) ?? '';
  }
  const privateKey = createPrivateKey(pem);
  const publicKey = createPublicKey(privateKey);
  const { n, e } = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  // RFC 7638: the SHA-256 of the required members in lexicographic order, no whitespace.
  const kid = createHash('sha256').update(JSON.stringify({ e, kty: 'RSA', n })).digest('base64url');
  return { kid, privateKey, publicKey, jwk: { kty: 'RSA', use: 'sig', alg: 'RS256', kid, n, e } };
}
