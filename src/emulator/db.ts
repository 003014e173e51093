/** SQLite schema, first-start seeding (site, directory, site permissions) and reset for the local Graph service (#3). */
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

import Database from 'better-sqlite3';

import { DEMO_DIRECTORY, type Directory } from './directory.js';
import { DEMO_APP_NAME, DEMO_CLIENT_ID } from './oidc/registration.js';

export type Db = Database.Database;

/** Default database file (relative to the working directory) and its env override. */
export const DEFAULT_DB_PATH = './data/followup.db';
export const DB_ENV = 'FOLLOWUP_DB';

/** SharePoint's standard role definition ids. */
export const ROLE = { Read: 1073741826, Contribute: 1073741827, FullControl: 1073741829, Edit: 1073741830 } as const;

export const DEMO_SITE = { hostname: 'localhost', path: '/sites/followup', name: 'followup', displayName: 'WLB指針 取組計画等のフォローアップ' } as const;

const SCHEMA_VERSION = '1';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sites(
  rid INTEGER PRIMARY KEY, hostname TEXT NOT NULL, path TEXT NOT NULL, site_guid TEXT NOT NULL, web_guid TEXT NOT NULL,
  name TEXT NOT NULL, display_name TEXT NOT NULL, description TEXT NOT NULL, created TEXT NOT NULL, modified TEXT NOT NULL,
  UNIQUE(hostname, path));
CREATE TABLE IF NOT EXISTS principals(
  id INTEGER PRIMARY KEY, kind TEXT NOT NULL, key TEXT NOT NULL UNIQUE, title TEXT NOT NULL, email TEXT NOT NULL,
  login_name TEXT NOT NULL, oid TEXT NOT NULL, description TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS group_members(group_id INTEGER NOT NULL, user_id INTEGER NOT NULL, PRIMARY KEY(group_id, user_id));
CREATE TABLE IF NOT EXISTS lists(
  lid INTEGER PRIMARY KEY, site_rid INTEGER NOT NULL, guid TEXT NOT NULL UNIQUE, name TEXT NOT NULL, display_name TEXT NOT NULL,
  description TEXT NOT NULL, template TEXT NOT NULL, created TEXT NOT NULL, modified TEXT NOT NULL, author INTEGER NOT NULL,
  editor INTEGER NOT NULL, version INTEGER NOT NULL, next_item_id INTEGER NOT NULL, unique_perms INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS columns(
  lid INTEGER NOT NULL, pos INTEGER NOT NULL, name TEXT NOT NULL, def TEXT NOT NULL, PRIMARY KEY(lid, name));
CREATE TABLE IF NOT EXISTS items(
  rid INTEGER PRIMARY KEY, lid INTEGER NOT NULL, item_id INTEGER NOT NULL, guid TEXT NOT NULL, version INTEGER NOT NULL,
  created TEXT NOT NULL, modified TEXT NOT NULL, author INTEGER NOT NULL, editor INTEGER NOT NULL, fields TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0, seq INTEGER NOT NULL, unique_perms INTEGER NOT NULL DEFAULT 0, UNIQUE(lid, item_id));
CREATE INDEX IF NOT EXISTS items_seq ON items(lid, seq);
CREATE INDEX IF NOT EXISTS items_modified ON items(lid, modified, item_id);
CREATE TABLE IF NOT EXISTS versions(
  lid INTEGER NOT NULL, item_id INTEGER NOT NULL, version INTEGER NOT NULL, modified TEXT NOT NULL, editor INTEGER NOT NULL,
  fields TEXT NOT NULL, PRIMARY KEY(lid, item_id, version)) WITHOUT ROWID;
-- Scope: lid = 0 is the web, item_id = 0 is the list itself.
CREATE TABLE IF NOT EXISTS role_assignments(
  site_rid INTEGER NOT NULL, lid INTEGER NOT NULL, item_id INTEGER NOT NULL, principal_id INTEGER NOT NULL, roledef_id INTEGER NOT NULL,
  PRIMARY KEY(site_rid, lid, item_id, principal_id, roledef_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ra_principal ON role_assignments(lid, principal_id, item_id);
-- Sites.Selected grants (#13): an app's access to a site (roles read|write|manage|fullcontrol), as Graph's site permissions.
CREATE TABLE IF NOT EXISTS app_grants(
  id TEXT PRIMARY KEY, site_rid INTEGER NOT NULL, app_id TEXT NOT NULL, app_name TEXT NOT NULL, role TEXT NOT NULL,
  UNIQUE(site_rid, app_id));
-- Custom permission levels of a site (the built-in ones live in code: store/roles.ts). high/low: BasePermissions.
CREATE TABLE IF NOT EXISTS role_definitions(
  site_rid INTEGER NOT NULL, id INTEGER NOT NULL, name TEXT NOT NULL, description TEXT NOT NULL, ord INTEGER NOT NULL,
  high TEXT NOT NULL, low TEXT NOT NULL, PRIMARY KEY(site_rid, id)) WITHOUT ROWID;
-- SharePoint REST views of a list and column formatting (CustomFormatter) of its fields (#12).
CREATE TABLE IF NOT EXISTS sp_views(
  lid INTEGER NOT NULL, guid TEXT NOT NULL, title TEXT NOT NULL, query TEXT NOT NULL, row_limit INTEGER NOT NULL,
  personal INTEGER NOT NULL, is_default INTEGER NOT NULL, fields TEXT NOT NULL, pos INTEGER NOT NULL, PRIMARY KEY(lid, guid)) WITHOUT ROWID;
-- Teams channel messages posted through Graph (#12 reminders): the local team's channels.
CREATE TABLE IF NOT EXISTS channel_messages(
  id TEXT PRIMARY KEY, team_id TEXT NOT NULL, channel_id TEXT NOT NULL, created TEXT NOT NULL, author INTEGER NOT NULL,
  subject TEXT, content TEXT NOT NULL, content_type TEXT NOT NULL, importance TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sp_field_formatters(lid INTEGER NOT NULL, field TEXT NOT NULL, formatter TEXT NOT NULL, PRIMARY KEY(lid, field)) WITHOUT ROWID;
`;

/** SharePoint-style UTC timestamp without fractions, as list item fields carry them. */
export const nowIso = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Owner-only modes (#8): the database holds the token secret, the certificate directory the TLS key. */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Makes sure `dir` exists; a directory created here, or the default `./data`, is made owner-only (0700). A directory
 * the user chose that already existed (e.g. `FOLLOWUP_DB=/srv/x.db`) keeps its mode: it may be shared on purpose.
 */
export function ensurePrivateDir(dir: string): void {
  const created = !existsSync(dir);
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (created || resolve(dir) === resolve(dirname(DEFAULT_DB_PATH))) chmodSync(dir, PRIVATE_DIR_MODE);
}

/** Sets 0600 on the database file and its `-wal`/`-shm` companions that exist (also fixing older, wider modes). */
export function restrictDatabaseFiles(dbPath: string): void {
  if (dbPath === ':memory:') return;
  for (const suffix of ['', '-wal', '-shm', '-journal']) if (existsSync(`${dbPath}${suffix}`)) chmodSync(`${dbPath}${suffix}`, PRIVATE_FILE_MODE);
}

/** Opens (creating if needed) the database, applies the schema and seeds the site and directory on first start. */
export function openDatabase(dbPath: string, directory: Directory = DEMO_DIRECTORY): Db {
  if (dbPath !== ':memory:') {
    ensurePrivateDir(dirname(dbPath));
    // Create the file owner-only before SQLite opens it: SQLite gives -wal and -shm the database file's mode.
    closeSync(openSync(dbPath, 'a', PRIVATE_FILE_MODE));
    restrictDatabaseFiles(dbPath);
  }
  const db = new Database(dbPath);
  if (dbPath !== ':memory:') db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // dev-token may open the same file while the service runs; wait instead of failing on a lock.
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  seed(db, directory);
  restrictDatabaseFiles(dbPath);
  return db;
}

/** Deletes the database file (and its WAL/SHM companions) so the next start re-creates the demo site. */
export function resetDatabase(dbPath: string): void {
  if (dbPath === ':memory:') return;
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${dbPath}${suffix}`, { force: true });
}

/** Reads a meta value. */
export function getMeta(db: Db, key: string): string | undefined {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value;
}

function seed(db: Db, directory: Directory): void {
  const tx = db.transaction(() => {
    const insertMeta = db.prepare('INSERT OR IGNORE INTO meta(key, value) VALUES (?, ?)');
    insertMeta.run('schema_version', SCHEMA_VERSION);
    insertMeta.run('token_secret', randomBytes(32).toString('hex'));
    insertMeta.run('epoch', randomBytes(6).toString('hex'));
    insertMeta.run('delta_floor', '0');
    insertMeta.run('seq', '0');

    const hasPrincipals = db.prepare('SELECT count(*) AS n FROM principals').get() as { n: number };
    if (hasPrincipals.n === 0) {
      // Site groups and users share one site-local id space, as in SharePoint's User Information List.
      let id = 3;
      const insP = db.prepare('INSERT INTO principals(id, kind, key, title, email, login_name, oid, description) VALUES (?,?,?,?,?,?,?,?)');
      const groupIds = new Map<string, number>();
      for (const g of directory.groups) {
        groupIds.set(g.id, id);
        insP.run(id++, 'group', g.id, g.displayName, '', g.displayName, '', g.description);
      }
      const insM = db.prepare('INSERT INTO group_members(group_id, user_id) VALUES (?, ?)');
      for (const user of directory.users) {
        const uid = id++;
        insP.run(uid, 'user', user.upn.toLowerCase(), user.displayName, user.upn, `i:0#.f|membership|${user.upn}`, user.oid, user.jobTitle);
        for (const g of user.groups) {
          const gid = groupIds.get(g);
          if (gid !== undefined) insM.run(gid, uid);
        }
      }
    }

    // Memberships added to the directory later reach databases made before (additions only; ids never change).
    const addMember = db.prepare(
      "INSERT OR IGNORE INTO group_members(group_id, user_id) SELECT g.id, u.id FROM principals g, principals u WHERE g.kind = 'group' AND g.key = ? AND u.kind = 'user' AND u.key = ?",
    );
    for (const user of directory.users) for (const g of user.groups) addMember.run(g, user.upn.toLowerCase());

    const site = db.prepare('SELECT rid FROM sites WHERE hostname = ? AND path = ?').get(DEMO_SITE.hostname, DEMO_SITE.path) as { rid: number } | undefined;
    if (!site) {
      const t = nowIso();
      const r = db
        .prepare('INSERT INTO sites(hostname, path, site_guid, web_guid, name, display_name, description, created, modified) VALUES (?,?,?,?,?,?,?,?,?)')
        .run(DEMO_SITE.hostname, DEMO_SITE.path, randomUUID(), randomUUID(), DEMO_SITE.name, DEMO_SITE.displayName, `${directory.ministry} 働き方改革(WLB)指針の取組計画等フォローアップ`, t, t);
      const rid = Number(r.lastInsertRowid);
      const ra = db.prepare('INSERT OR IGNORE INTO role_assignments(site_rid, lid, item_id, principal_id, roledef_id) VALUES (?, 0, 0, ?, ?)');
      const gid = (key: string): number | undefined => (db.prepare("SELECT id FROM principals WHERE kind = 'group' AND key = ?").get(key) as { id: number } | undefined)?.id;
      const owner = gid(directory.siteOwnerGroup);
      if (owner !== undefined) ra.run(rid, owner, ROLE.FullControl);
      for (const g of directory.siteReaderGroups) {
        const id = gid(g);
        if (id !== undefined) ra.run(rid, id, ROLE.Read);
      }
    }
    // The administrator's Sites.Selected grant for the demo app registration (#13, docs/deploy.md), once per database
    // (also for databases made before grants existed): full control, because the secretariat provisions and assigns
    // rows from the app; divisions' daily use needs only 'write'. Deleting it later (Graph) is respected.
    if (db.prepare("INSERT OR IGNORE INTO meta(key, value) VALUES ('app_grants_seeded', '1')").run().changes === 1) {
      const demo = db.prepare('SELECT rid FROM sites WHERE hostname = ? AND path = ?').get(DEMO_SITE.hostname, DEMO_SITE.path) as { rid: number } | undefined;
      if (demo) db.prepare('INSERT OR IGNORE INTO app_grants(id, site_rid, app_id, app_name, role) VALUES (?, ?, ?, ?, ?)').run(randomUUID(), demo.rid, DEMO_CLIENT_ID, DEMO_APP_NAME, 'fullcontrol');
    }
  });
  tx.immediate();
}
