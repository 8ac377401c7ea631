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
  rowKey: (row: T) => string;
  className?: string;
}) {
  return (
    <table className={props.className}>
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
        {props.rows.map(row => (
          <tr key={props.rowKey(row)}>
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
