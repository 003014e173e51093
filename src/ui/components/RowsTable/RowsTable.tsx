import { Badge, makeStyles, tokens } from '@fluentui/react-components';

import type { Division } from '../../../core/divisions/division.js';
import type { StoredRow } from '../../../core/ports.js';
import type { MessageKey, Translate } from '../../i18n/i18n.js';
import { groupRows, type ReportTable } from './group-rows.js';
import { contentLines } from './row-content.js';

const useStyles = makeStyles({
  table: {
    borderCollapse: 'collapse',
    width: '100%',
    marginBlockEnd: tokens.spacingVerticalXXL,
    fontSize: tokens.fontSizeBase300,
    lineHeight: tokens.lineHeightBase300,
  },
  caption: {
    textAlign: 'start',
    fontSize: tokens.fontSizeBase400,
    fontWeight: tokens.fontWeightSemibold,
    paddingBlock: tokens.spacingVerticalS,
  },
  cell: {
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`,
    verticalAlign: 'top',
    textAlign: 'start',
  },
  head: {
    backgroundColor: tokens.colorNeutralBackground3,
    fontWeight: tokens.fontWeightSemibold,
    whiteSpace: 'nowrap',
  },
  group: {
    backgroundColor: tokens.colorNeutralBackground2,
    fontWeight: tokens.fontWeightSemibold,
  },
  rowHeader: { fontWeight: tokens.fontWeightRegular, minWidth: '10em', maxWidth: '18em' },
  nowrap: { whiteSpace: 'nowrap' },
  text: { whiteSpace: 'pre-line', minWidth: '16em' },
  mine: { backgroundColor: tokens.colorBrandBackground2 },
  muted: { color: tokens.colorNeutralForeground3 },
});

const KIND_KEYS: Readonly<Record<string, MessageKey>> = { initiative: 'kind.initiative', focus: 'kind.focus', indicator: 'kind.indicator', survey: 'kind.survey', heading: 'kind.heading' };
const LAYOUT_KEYS: Readonly<Record<string, MessageKey>> = {
  'L-R2': 'layout.L-R2',
  'L-R5-FOCUS': 'layout.L-R5-FOCUS',
  'L-R5-OVERVIEW': 'layout.L-R5-OVERVIEW',
  'L-R6-COMPILATION': 'layout.L-R6-COMPILATION',
  'L-R7': 'layout.L-R7',
};
const COLUMNS: readonly MessageKey[] = ['col.marker', 'col.item', 'col.kind', 'col.status', 'col.division', 'col.content', 'col.outcome'];

export interface RowsTableProps {
  rows: readonly StoredRow[];
  divisions: readonly Division[];
  /** Divisions of the signed-in user: their rows are marked. */
  myDivisions: readonly string[];
  t: Translate;
}

/**
 * The scope's rows, read-only, as the official table groups them (#10). Native table semantics: a caption per
 * report, a row group per 大項目 with its header, the item title as each row's header. The editable grid replaces
 * this view in the next slice. Text from the lists is rendered as text, never as HTML.
 */
export function RowsTable({ rows, divisions, myDivisions, t }: RowsTableProps) {
  const tables = groupRows(rows);
  return (
    <>
      {tables.map((table) => (
        <ReportRows key={table.reportKey} table={table} divisions={divisions} myDivisions={myDivisions} t={t} />
      ))}
    </>
  );
}

function ReportRows({ table, divisions, myDivisions, t }: { table: ReportTable; divisions: readonly Division[]; myDivisions: readonly string[]; t: Translate }) {
  const s = useStyles();
  const divisionName = (code: string | null): string => (code === null ? t('division.unassigned') : (divisions.find((d) => d.code === code)?.name ?? code));
  const layoutKey = LAYOUT_KEYS[table.layout];
  return (
    <table className={s.table}>
      <caption className={s.caption}>
        {layoutKey ? t(layoutKey) : table.layout}（{t('rows.count', { count: table.rowCount })}）
      </caption>
      <thead>
        <tr>
          {COLUMNS.map((c) => (
            <th key={c} scope="col" className={`${s.cell} ${s.head}`}>
              {t(c)}
            </th>
          ))}
        </tr>
      </thead>
      {table.groups.map((group, gi) => (
        <tbody key={`${gi}-${group.majorItem ?? ''}`}>
          {group.majorItem !== null ? (
            <tr>
              <th scope="rowgroup" colSpan={COLUMNS.length} className={`${s.cell} ${s.group}`}>
                {group.majorItem}
              </th>
            </tr>
          ) : null}
          {group.rows.map(({ rowKey, row }) => {
            const mine = row.division !== null && myDivisions.includes(row.division);
            const lines = contentLines(row, t);
            return (
              <tr key={rowKey} className={mine ? s.mine : undefined}>
                <td className={`${s.cell} ${s.nowrap}`}>{row.markerRaw ?? ''}</td>
                <th scope="row" className={`${s.cell} ${s.rowHeader}`} style={{ paddingInlineStart: `${0.5 + Math.max(0, row.level - 1)}rem` }}>
                  {row.title || row.splitKind || row.focusItem || ''}
                </th>
                <td className={`${s.cell} ${s.nowrap}`}>{t(KIND_KEYS[row.kind] ?? 'kind.heading')}</td>
                <td className={`${s.cell} ${s.nowrap}`}>
                  {row.status === null ? (
                    <span className={s.muted}>{row.kind === 'initiative' ? t('status.none') : ''}</span>
                  ) : (
                    <Badge appearance="tint" color={row.status === 'implemented' ? 'success' : 'warning'}>
                      {t(row.status === 'implemented' ? 'status.implemented' : 'status.undecided')}
                    </Badge>
                  )}
                </td>
                <td className={`${s.cell} ${s.nowrap}`}>{divisionName(row.division)}</td>
                <td className={`${s.cell} ${s.text}`}>
                  {row.status === 'undecided' && row.reasonNotPlanned ? `${t('col.reason')}: ${row.reasonNotPlanned}\n` : ''}
                  {lines.join('\n')}
                </td>
                <td className={`${s.cell} ${s.text}`}>{row.outcome ?? ''}</td>
              </tr>
            );
          })}
        </tbody>
      ))}
    </table>
  );
}
