export { ReportButton, type ReportButtonProps } from './ReportButton.js';
