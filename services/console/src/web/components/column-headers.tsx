/**
 * A table's header row: one column header per name, and a last column for the row's actions,
 * named for screen readers only.
 */
export function ColumnHeaders({ names, actions }: { names: string[]; actions: string }) {
  return (
    <thead>
      <tr>
        {names.map((name) => (
          <th key={name} scope="col">
            {name}
          </th>
        ))}
        <th scope="col">
          <span className="visually-hidden">{actions}</span>
        </th>
      </tr>
    </thead>
  );
}
