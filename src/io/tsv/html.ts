// Moved to core (#12): the report builder escapes in the browser too.
export { escapeHtml, sanitizeRich } from '../../core/layouts/render/html.js';
