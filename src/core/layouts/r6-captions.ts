/** Printed furniture of every 府省等 section of the cross-ministry 重点項目 compilation (002, domain.md §1.4). */
export const R6_HEADER_LINE = 'Ａ Ｂ';
export const R6_HEADER_CAPTIONS = [
  '取組時期・内容・成果、取組における改善点・課題、',
  'それらを踏まえた次のアクション',
  'ＷＬＢ取組指針若しくは',
  '各府省取組計画の該当箇所',
] as const;
export const R6_FOCUS_CAPTION = '重点項目';
export const R6_COVER_HEADING = '＜調査票の見方＞';
