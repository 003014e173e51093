export { RowsTable, type RowsTableProps } from './RowsTable.js';
export { groupRows, layoutOfReportKey, type ReportTable, type RowGroup } from './group-rows.js';
