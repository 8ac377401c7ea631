import type { ReactNode } from 'react';

/** One column: its header and how a row fills its cell (`rowHeader`: the cell names the row). */
export interface Column<T> {
  readonly header: ReactNode;
  readonly cell: (row: T) => ReactNode;
  readonly rowHeader?: boolean;
}

/**
 * A plain data table with real header cells (scope col/row), so screen readers announce each
 * cell with its column and row; every table of the app is one of these.
 */
export function DataTable<T>(props: {
  columns: readonly Column<T>[];
  rows: readonly T[];
  /** A stable key per row; rows without an identity of their own can use their index. */
  rowKey: (row: T, index: number) => string;
  className?: string;
  /** The table's accessible name, where no caption or heading names it. */
  label?: string;
}) {
  return (
    <table className={props.className} aria-label={props.label}>
      <thead>
        <tr>
          {props.columns.map((column, index) => (
            <th scope="col" key={index}>
              {column.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.rows.map((row, rowIndex) => (
          <tr key={props.rowKey(row, rowIndex)}>
            {props.columns.map((column, index) =>
              column.rowHeader ? (
                <th scope="row" key={index}>
                  {column.cell(row)}
                </th>
              ) : (
                <td key={index}>{column.cell(row)}</td>
              ),
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A header only screen readers read (for a column of buttons). */
export function HiddenHeader({ children }: { children: ReactNode }) {
  return <span className="visually-hidden">{children}</span>;
}
