// A follow-up-table list definition and small Graph helpers used by several conformance files (#3).
import type { Client } from '@microsoft/microsoft-graph-client';

/** Column definitions as the product sends them in `POST /sites/{id}/lists` (list-create.md). */
export const FOLLOWUP_COLUMNS = [
  { name: 'Division', displayName: '部局・課室', text: { allowMultipleLines: false, maxLength: 255 }, indexed: true },
  { name: 'Status', displayName: '実施状況', choice: { choices: ['実施', '実施未定'], displayAs: 'dropDownMenu' }, indexed: true },
  { name: 'Amount', displayName: '数値目標', number: { decimalPlaces: 'automatic' }, indexed: true },
  { name: 'Done', displayName: '完了', boolean: {} },
  { name: 'DueDate', displayName: '期限', dateTime: { format: 'dateOnly' }, indexed: true },
  { name: 'Notes', displayName: '取組内容', text: { allowMultipleLines: true, textType: 'plain', linesForEditing: 6 } },
  { name: 'Memo', displayName: 'メモ', text: {} },
] as const;

export interface ListItemBody {
  id: string;
  eTag?: string;
  '@odata.etag'?: string;
  fields?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface Collection<T> {
  value: T[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
  [key: string]: unknown;
}

export interface ListBody {
  id: string;
  displayName: string;
  [key: string]: unknown;
}

/** Creates a genericList with the follow-up columns (or `columns`) and returns the created list. */
export async function createList(
  client: Client,
  sitePath: string,
  displayName: string,
  columns: readonly object[] = FOLLOWUP_COLUMNS,
): Promise<ListBody> {
  return (await client
    .api(`${sitePath}/lists`)
    .post({ displayName, columns, list: { template: 'genericList' } })) as ListBody;
}

/** Creates an item and returns it. */
export async function createItem(client: Client, listPath: string, fields: Record<string, unknown>): Promise<ListItemBody> {
  return (await client.api(`${listPath}/items`).post({ fields })) as ListItemBody;
}

/** Creates many items through `$batch` in chunks of 20, `parallel` batches at a time; returns ids in input order. */
export async function createItemsInBatches(
  client: Client,
  listPath: string,
  rows: Record<string, unknown>[],
  parallel = 2,
): Promise<string[]> {
  const chunks: Record<string, unknown>[][] = [];
  for (let i = 0; i < rows.length; i += 20) chunks.push(rows.slice(i, i + 20));
  const ids: string[][] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < chunks.length) {
      const index = next++;
      const chunk = chunks[index] as Record<string, unknown>[];
      // dependsOn chains the requests so ids are allocated in row order (json-batching.md "Sequencing requests").
      const requests = chunk.map((fields, i) => ({
        id: String(i + 1),
        method: 'POST',
        url: `${listPath}/items`,
        headers: { 'Content-Type': 'application/json' },
        body: { fields },
        ...(i > 0 ? { dependsOn: [String(i)] } : {}),
      }));
      const res = (await client.api('/$batch').post({ requests })) as {
        responses: { id: string; status: number; body?: { id?: string } }[];
      };
      const byId = new Map(res.responses.map((r) => [r.id, r]));
      ids[index] = requests.map((r) => {
        const out = byId.get(r.id);
        if (out?.status !== 201 || typeof out.body?.id !== 'string') {
          throw new Error(`batch ${index} request ${r.id}: status ${out?.status}, body ${JSON.stringify(out?.body)}`);
        }
        return out.body.id;
      });
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return ids.flat();
}

/** Follows `@odata.nextLink` with the Graph client until it is absent; returns every element. */
export async function getAll<T>(client: Client, path: string, headers: Record<string, string> = {}): Promise<T[]> {
  const out: T[] = [];
  let page = (await client.api(path).headers(headers).get()) as Collection<T>;
  out.push(...page.value);
  while (page['@odata.nextLink']) {
    page = (await client.api(page['@odata.nextLink']).headers(headers).get()) as Collection<T>;
    out.push(...page.value);
  }
  return out;
}
