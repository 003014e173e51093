/**
 * The local directory of the demo ministry (総務省): users, groups and which group owns the site (#3).
 * Ids are ASCII so they work in URLs, tokens and tests; names are Japanese as a ministry would show them.
 */

export type GroupKind = 'secretariat' | 'reviewers' | 'division';

export interface DirectoryGroup {
  /** ASCII id used by tests and `dev-token` (e.g. `div-somu`). */
  readonly id: string;
  /** SharePoint group title (what `sitegroups/getbyname('…')` matches, besides the id). */
  readonly displayName: string;
  readonly description: string;
  readonly kind: GroupKind;
}

export interface DirectoryUser {
  /** Short ASCII id (the part before `@` of the UPN). */
  readonly id: string;
  /** Entra-style object id (`oid` claim, `identitySet.user.id`). */
  readonly oid: string;
  readonly upn: string;
  readonly displayName: string;
  readonly jobTitle: string;
  /** Ids of the groups the user belongs to. */
  readonly groups: readonly string[];
}

export interface Directory {
  readonly tenantId: string;
  readonly ministry: string;
  readonly domain: string;
  /** Group that owns the site (Full Control on the site). */
  readonly siteOwnerGroup: string;
  /** Groups given Read on the site at first start. */
  readonly siteReaderGroups: readonly string[];
  /** The default `dev-token` user. */
  readonly defaultUser: string;
  readonly groups: readonly DirectoryGroup[];
  readonly users: readonly DirectoryUser[];
}

const DOMAIN = 'soumu.localhost';
const u = (id: string, n: number, displayName: string, jobTitle: string, groups: string[]): DirectoryUser => ({
  id,
  oid: `5d0a0000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`,
  upn: `${id}@${DOMAIN}`,
  displayName,
  jobTitle,
  groups,
});

/** The demo ministry's directory; ids are stable across restarts so tokens and tests can name them. */
export const DEMO_DIRECTORY: Directory = {
  tenantId: '7f3c0000-0000-4000-8000-000000000001',
  ministry: '総務省',
  domain: DOMAIN,
  siteOwnerGroup: 'secretariat',
  siteReaderGroups: ['reviewers'],
  defaultUser: 'sato',
  groups: [
    { id: 'secretariat', displayName: '大臣官房秘書課', description: 'WLB推進の事務局。サイトの所有者(フル コントロール)。', kind: 'secretariat' },
    { id: 'reviewers', displayName: '働き方改革推進委員会', description: 'フォローアップの確認を行う管理職。サイトの閲覧権限。', kind: 'reviewers' },
    { id: 'div-somu', displayName: '大臣官房総務課', description: '部局・課室', kind: 'division' },
    { id: 'div-kikaku', displayName: '大臣官房企画課', description: '部局・課室', kind: 'division' },
    { id: 'div-gyokan', displayName: '行政管理局', description: '部局・課室', kind: 'division' },
    { id: 'div-jichi', displayName: '自治行政局', description: '部局・課室', kind: 'division' },
    { id: 'div-joho', displayName: '情報流通行政局', description: '部局・課室', kind: 'division' },
  ],
  users: [
    u('sato', 1, '佐藤 花子', '秘書課 課長補佐(WLB推進担当)', ['secretariat']),
    u('takahashi', 2, '高橋 健一', '働き方改革推進委員会 委員長', ['reviewers']),
    u('ito', 3, '伊藤 美咲', '働き方改革推進委員会 委員', ['reviewers']),
    u('suzuki', 4, '鈴木 一郎', '大臣官房総務課 係長', ['div-somu']),
    u('kato', 5, '加藤 裕子', '大臣官房総務課 主査', ['div-somu']),
    u('tanaka', 6, '田中 誠', '大臣官房企画課 係長', ['div-kikaku']),
    u('watanabe', 7, '渡辺 直樹', '行政管理局 係長', ['div-gyokan']),
    u('yamamoto', 8, '山本 由美', '自治行政局 主査', ['div-jichi']),
    u('nakamura', 9, '中村 大輔', '情報流通行政局 係長', ['div-joho']),
    // In two divisions (情報流通行政局 and, concurrently, 自治行政局): the scope picker and the personal tab need one (#10).
    u('kobayashi', 10, '小林 恵', '情報流通行政局 主任（自治行政局併任）', ['div-joho', 'div-jichi']),
  ],
};

/** Finds a user by UPN, short id or oid (case-insensitive). */
export function findUser(directory: Directory, key: string): DirectoryUser | undefined {
  const k = key.trim().toLowerCase();
  return directory.users.find((x) => x.id === k || x.upn.toLowerCase() === k || x.oid === k);
}
