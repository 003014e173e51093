import type { LocalGraph } from './index.js';

/** The service's URLs, one `label: url` line each, as `npm start` and the standalone runner print them. */
export function endpointLines(graph: Pick<LocalGraph, 'url' | 'graphUrl' | 'site' | 'oidc'>): string[] {
  const site = `${graph.url}${graph.site.path}`;
  return [
    `  Graph v1.0:       ${graph.graphUrl}`,
    `  demo site:        ${graph.graphUrl}/sites/localhost:${graph.site.path}   (id ${graph.site.id})`,
    `  $batch:           ${graph.graphUrl}/$batch`,
    `  SharePoint REST:  ${site}/_api/web`,
    `  local sign-in:    ${graph.url}/_local/signin   (tokens: npx followup dev-token [user], or POST ${graph.url}/_local/token {"user":"suzuki"})`,
    `  sign-in (OIDC):   ${graph.oidc.authority()}/v2.0/.well-known/openid-configuration   (Entra's URL shapes; MSAL authority ${graph.oidc.authority()})`,
    `  client id: ${graph.oidc.clientId}   (the demo app registration; redirect URIs: the app's pages on ${graph.url})`,
    `  faults / stats:   ${graph.url}/_local/faults   ${graph.url}/_local/stats`,
  ];
}

/** Closes `close()`'s resources on Ctrl+C / SIGTERM and exits (1 when closing fails, with the reason). */
export function closeOnSignals(close: () => Promise<void>): void {
  const stop = (): void => {
    close().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`error while closing: ${String(e)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
