/**
 * Marks in the cache behavior table: what people write in Jira, Markdown and wiki markup to say "run the function
 * on this event" or not. Jira wiki renders `(/)` as a check mark and `(y)` as a thumbs-up, `(x)` as a cross
 * (https://jira.atlassian.com/secure/WikiRendererHelpAction.jspa?section=all); an ADF emoji node carries
 * its character in attrs.text and its name in attrs.shortName.
 */
const MARKED = [
  "○",
  "◯",
  "〇",
  "●",
  "✓",
  "✔",
  "✅",
  "☑",
  "(/)",
  "(y)",
  ":white_check_mark:",
  ":heavy_check_mark:",
  ":check_mark:",
  ":ballot_box_with_check:",
  ":thumbsup:",
  "yes",
  "y",
  "true",
  "on",
  "有",
  "あり",
];
const NOT_MARKED = ["", "-", "－", "−", "ー", "—", "–", "×", "✕", "✗", "✘", "❌", "(x)", "(-)", ":x:", ":cross_mark:", "no", "n", "false", "off", "無", "なし"];

/** What the error says is accepted. */
export const ACCEPTED_MARKS = "write ○, ✓, ✔, ✅, (/) or (y) to run the function there, and -, ×, (x) or nothing not to";

/** A cell's mark: true (marked), false (not marked) or undefined (not a mark). */
export function markOf(cell: string): boolean | undefined {
  const mark = cell
    .replace(/\uFE0F/g, "")
    .replace(/^(\*{1,2}|_)(.*)\1$/, "$2")
    .trim()
    .toLowerCase();
  if (MARKED.includes(mark)) return true;
  if (NOT_MARKED.includes(mark)) return false;
  return undefined;
}
