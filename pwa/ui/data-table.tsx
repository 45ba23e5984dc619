/**
 * A table of rows with one header row of column names (`th scope="col"`). The rows come as
 * children, so each keeps its own cells, data attributes and row header (`th scope="row"`).
 */
import type { ComponentChildren } from 'preact';

export function DataTable(props: {
  testId: string;
  columns: readonly string[];
  children: ComponentChildren;
}) {
  return (
    <table class="table" data-testid={props.testId}>
      <thead>
        <tr>
          {props.columns.map((name) => (
            <th key={name} scope="col">
              {name}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{props.children}</tbody>
    </table>
  );
}
