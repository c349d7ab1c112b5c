/**
 * Where each line of bundled code came from, read from esbuild's source map (https://sourcemaps.info/spec.html:
 * "mappings" is one group per generated line, segments in base64 VLQ; fields 2-3 of a segment are the source index
 * and the original line, both relative to the previous segment). Only what the runner needs to name a thrown
 * error's place: the first mapped segment of each generated line.
 */

/** Per generated line (index = line - 1): the source file (relative to the entry's directory) and its line, or null. */
export type SourceLines = ({ file: string; line: number } | null)[];

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

function decodeVlq(segment: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of segment) {
    const digit = BASE64.indexOf(ch);
    value += (digit & 31) << shift;
    if (digit & 32) shift += 5;
    else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

export function sourceLinesOf(map: { sources: string[]; mappings: string }): SourceLines {
  let source = 0;
  let line = 0;
  return map.mappings.split(";").map((group) => {
    let first: { file: string; line: number } | null = null;
    for (const segment of group.split(",").filter(Boolean)) {
      const fields = decodeVlq(segment);
      if (fields.length < 4) continue;
      source += fields[1];
      line += fields[2];
      first ??= { file: map.sources[source], line: line + 1 };
    }
    return first;
  });
}
