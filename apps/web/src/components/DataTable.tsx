import type { ReactNode } from "react";

/** One column: its header, and how a row fills its cell. */
export interface Column<Row> {
  header: string;
  /** The name a phone's card shows before the cell, when it differs from the header. */
  label?: string;
  /** The header is read by screen readers only (an actions column). */
  headerHidden?: boolean;
  className?: string;
  title?: (row: Row) => string | undefined;
  cell: (row: Row) => ReactNode;
}

interface Props<Row> {
  /** The table's accessible name. */
  label: string;
  /** `false` leaves a column out (`canEdit && actionsColumn`). */
  columns: ReadonlyArray<Column<Row> | false>;
  rows: readonly Row[];
  rowKey: (row: Row) => string;
  /** `data-*` attributes that name a row (`{ entry: "203.0.113.7" }` is `data-entry`), for tests and styling. */
  rowData?: (row: Row) => Record<string, string>;
  /** What an empty table says. */
  empty: string;
}

function dataAttributes(data: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(data).map(([name, value]) => [`data-${name}`, value]));
}

/** A table that becomes one card per row on a phone, each cell headed by its column's name. */
export function DataTable<Row>({ label, columns, rows, rowKey, rowData, empty }: Props<Row>) {
  const shown = columns.filter((column): column is Column<Row> => column !== false);
  return (
    <div className="table-wrap stack-on-phone">
      <table className="table" aria-label={label}>
        <thead>
          <tr>
            {shown.map((column) => (
              <th key={column.header} scope="col">
                {column.headerHidden ? <span className="visually-hidden">{column.header}</span> : column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td className="empty" colSpan={shown.length}>
                {empty}
              </td>
            </tr>
          )}
          {rows.map((row) => (
            <tr key={rowKey(row)} {...(rowData ? dataAttributes(rowData(row)) : {})}>
              {shown.map((column) => (
                <td key={column.header} data-label={column.label ?? column.header} className={column.className} title={column.title?.(row)}>
                  {column.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
