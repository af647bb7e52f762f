/**
 * The one edit `npm run upgrade` makes to an environment file: the `kubernetesVersion` literal of
 * `eks`, replaced in place (comments, layout and everything else untouched). It edits only when it
 * can tell that literal apart; otherwise it says what to change by hand.
 */

/** What to do to an environment file's text. */
export type VersionEdit =
  /** The edited text, and the 1-based line of the literal. */
  | { readonly text: string; readonly line: number; readonly before: string; readonly after: string }
  /** Why it could not edit, and the edit to make by hand. */
  | { readonly instruction: string };

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Replaces the literal `kubernetesVersion: "<from>"` (a .ts file; `"kubernetesVersion": "<from>"`
 * in a .json file; either quote) of `file` with `to`, when it occurs exactly once. `pinnedGroups`
 * are the node groups whose own `kubernetesVersion` equals `from`: their literal would look the same,
 * so the file is then left to the user.
 */
export function editKubernetesVersion(
  file: string,
  text: string,
  from: string,
  to: string,
  pinnedGroups: readonly string[] = [],
): VersionEdit {
  const byHand = `in ${file}, set eks.kubernetesVersion to "${to}"`;
  if (pinnedGroups.length > 0)
    return {
      instruction: `${byHand}: node groups ${pinnedGroups.join(", ")} pin their own kubernetesVersion to "${from}" too, so the cluster's literal cannot be told apart from theirs`,
    };
  const literal = new RegExp(`(["']?)\\bkubernetesVersion\\1(\\s*:\\s*)(["'])${escape(from)}\\3`, "g");
  const found = [...text.matchAll(literal)];
  if (found.length !== 1)
    return {
      instruction: `${byHand}: the literal kubernetesVersion: "${from}" occurs ${found.length === 0 ? "nowhere" : `${found.length} times`} in it`,
    };
  const match = found[0];
  const after = match[0].replace(new RegExp(`${escape(from)}(?=${match[3]}$)`), to);
  return {
    text: text.slice(0, match.index) + after + text.slice(match.index + match[0].length),
    line: text.slice(0, match.index).split("\n").length,
    before: match[0],
    after,
  };
}
