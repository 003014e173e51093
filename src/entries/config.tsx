/** Webpack entry of the tab's configuration page (`config.html`, Teams `pages.config`) (#10). */
import { parseScopeParams } from '../ui/app/scope-url.js';
import { ConfigView } from '../ui/views/ConfigView.js';
import { boot } from './browser/boot.js';

const tabUrl = new URL('tab.html', window.location.href).toString();

void boot('settings', () => <ConfigView initial={parseScopeParams(window.location.search)} tabUrl={tabUrl} open={(url) => window.location.assign(url)} />);
