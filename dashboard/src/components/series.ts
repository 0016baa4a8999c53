/**
 * Where the pages get a symbol's series (data/symbols/<slug>.json, written by the data loader
 * archive symbols.zip). No DOM here.
 */

/** The per-symbol series file, relative to the pages (all pages sit at the root). */
export function seriesUrl(slug: string): string {
  return `./data/symbols/${encodeURIComponent(slug)}.json`;
}

/**
 * A symbol's series: from the built site's data/symbols/, or where the live preview
 * (`npm run dashboard:dev`) serves data loader output, under _file/.
 */
export async function fetchSeries<T>(
  slug: string,
  fetchImpl: (url: string) => Promise<Response> = (url) => fetch(url),
): Promise<T> {
  let response = await fetchImpl(seriesUrl(slug));
  if (response.status === 404) response = await fetchImpl(`./_file/${seriesUrl(slug).slice(2)}`);
  if (!response.ok) {
    throw new Error(`cannot load the series of ${slug}: ${response.status} ${response.statusText}`);
  }
  return (await response.json()) as T;
}
