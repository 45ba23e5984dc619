/**
 * A table of rows with one header row of column names (`th scope="col"`). The rows come as
 * children, so each keeps its own cells, data attributes and row header (`th scope="row"`). With
 * `empty`, a list without rows shows that message instead of a table with a header only.
 */
import { type ComponentChild, type ComponentChildren, toChildArray } from 'preact';

export function DataTable(props: {
  testId: string;
  columns: readonly string[];
  empty?: ComponentChild;
  children: ComponentChildren;
}) {
  if (props.empty !== undefined && toChildArray(props.children).length === 0) return <>{props.empty}</>;
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
