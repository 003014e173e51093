/**
 * ColumnSchema → Graph `columnDefinition` JSON (platform facts A2, domain §9.3). Plain data: the Graph layer posts it.
 */
import { MAX_TEXT_LENGTH, type ColumnSchema, type ListSchema } from './schema.js';

export type ColumnDefinition = Record<string, unknown> & { name: string };

/** The Graph columnDefinition that creates `column` (exactly one type facet). */
export function toColumnDefinition(column: ColumnSchema): ColumnDefinition {
  const base: ColumnDefinition = {
    name: column.name,
    displayName: column.displayName,
    description: column.description,
    indexed: column.indexed ?? false,
    required: column.required ?? false,
    enforceUniqueValues: column.unique ?? false,
  };
  switch (column.kind) {
    case 'text':
      return { ...base, text: { allowMultipleLines: false, appendChangesToExistingText: false, linesForEditing: 0, maxLength: MAX_TEXT_LENGTH } };
    case 'note':
      // Plain text: rich text comes back as sanitised HTML (platform facts A9), which the lossless rule cannot accept.
      return { ...base, text: { allowMultipleLines: true, appendChangesToExistingText: false, linesForEditing: 6, textType: 'plain' } };
    case 'choice':
      return { ...base, choice: { allowTextEntry: false, choices: [...(column.choices ?? [])], displayAs: 'dropDownMenu' } };
    case 'number':
      return {
        ...base,
        number: {
          decimalPlaces: 'automatic',
          displayAs: 'number',
          ...(column.minimum !== undefined ? { minimum: column.minimum } : {}),
          ...(column.maximum !== undefined ? { maximum: column.maximum } : {}),
        },
      };
    case 'boolean':
      return { ...base, boolean: {} };
    case 'date':
      return { ...base, dateTime: { displayAs: 'default', format: 'dateOnly' } };
  }
}

/** Body of `POST /sites/{id}/lists` creating `list` with all its non-built-in columns. */
export function toListCreateBody(list: ListSchema): Record<string, unknown> {
  return {
    displayName: list.name,
    description: list.description,
    list: { template: 'genericList' },
    columns: list.columns.filter((c) => !c.builtIn).map(toColumnDefinition),
  };
}
