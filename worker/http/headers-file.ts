/**
 * Reads one path's block of a Cloudflare `_headers` file: a line naming the path, then indented
 * `Name: value` lines. Comments (#) and blank lines are skipped. Names come back lower-cased.
 */
export function headersFor(file: string, path: string): [string, string][] {
  const headers: [string, string][] = [];
  let inBlock = false;
  for (const line of file.split(/\r?\n/)) {
    if (!line.trim() || line.trimStart().startsWith("#")) continue;
    if (!/^\s/.test(line)) {
      inBlock = line.trim() === path;
      continue;
    }
    const colon = line.indexOf(":");
    if (inBlock && colon > 0) headers.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
  }
  return headers;
}
