/** The dashboard's pages, as the browser tests and the screenshots visit them. */
export const PAGES = [
  { name: "overview", path: "/" },
  { name: "constituents", path: "/constituents" },
  { name: "indicators", path: "/indicators" },
  { name: "what-if", path: "/what-if" },
  { name: "model", path: "/model" },
  { name: "track-record", path: "/track-record" },
  { name: "pipeline", path: "/pipeline" },
] as const;

/** A page has rendered: no Framework loading placeholder left in it (cells that failed show errors). */
export const RENDERED = `document.querySelector("#observablehq-main") !== null &&
  document.querySelectorAll("#observablehq-main observablehq-loading").length === 0`;

/** The messages of cells that failed, as Framework displays them. */
export const CELL_ERRORS = `[...document.querySelectorAll("#observablehq-main .observablehq--error")].map((e) => e.textContent)`;
