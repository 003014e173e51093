export { ScopePicker, type PickedScope, type ScopePickerProps } from './ScopePicker.js';
export { fiscalYearLabel } from './fiscal-year-label.js';
