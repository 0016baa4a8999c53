/**
 * A table whose columns sort when their heading is clicked. Observable Inputs' table sets its
 * click handlers through inline attributes, which the server's Content Security Policy blocks
 * (script-src-attr 'none') with a console error each; this one listens with addEventListener.
 */
import { html } from "htl";
import { sortRows } from "./rows.js";

export interface SortColumn<R> {
  label: string;
  /** the cell's content */
  value: (row: R) => string | Node;
  /** what the column sorts by; without it the column does not sort */
  sortBy?: (row: R) => number | string | null;
  numeric?: boolean;
}

export interface SortState {
  column: number;
  descending: boolean;
}

/** Rows drawn at most: a longer table says how many it leaves out. */
export const MAX_TABLE_ROWS = 500;

export function sortableTable<R>(
  caption: string,
  columns: SortColumn<R>[],
  rows: readonly R[],
  initial: SortState | null = null,
  maxRows = MAX_TABLE_ROWS,
): HTMLElement {
  let state = initial;
  const more = html`<p class="muted small"></p>`;
  const tbody = html`<tbody></tbody>`;
  const headers = columns.map((c, k) => {
    const th = html`<th scope="col" class=${c.numeric ? "num" : ""}></th>` as HTMLTableCellElement;
    if (!c.sortBy) {
      th.textContent = c.label;
      return th;
    }
    const button = html`<button type="button" class="sort" aria-label=${`Sort by ${c.label}`}>
      ${c.label}
    </button>`;
    button.addEventListener("click", () => {
      state = {
        column: k,
        descending: state?.column === k ? !state.descending : c.numeric === true,
      };
      render();
    });
    th.append(button);
    return th;
  });
  const render = () => {
    const column = state ? columns[state.column] : undefined;
    const ordered = column?.sortBy ? sortRows(rows, column.sortBy, state!.descending) : rows;
    headers.forEach((th, k) => {
      if (state?.column === k)
        th.setAttribute("aria-sort", state.descending ? "descending" : "ascending");
      else th.removeAttribute("aria-sort");
    });
    more.textContent =
      ordered.length > maxRows
        ? `Showing the first ${maxRows.toLocaleString("en-IN")} of ${ordered.length.toLocaleString("en-IN")} rows in this order.`
        : "";
    tbody.replaceChildren(
      ...ordered.slice(0, maxRows).map(
        (r) =>
          html`<tr>
            ${columns.map((c) => html`<td class=${c.numeric ? "num" : ""}>${c.value(r)}</td>`)}
          </tr>`,
      ),
    );
  };
  render();
  return html`<div class="scroll-x" role="region" aria-label=${caption} tabindex="0">
    <table class="data-table sortable">
      <caption>
        ${caption}
      </caption>
      <thead>
        <tr>
          ${headers}
        </tr>
      </thead>
      ${tbody}
    </table>
    ${more}
  </div>`;
}
