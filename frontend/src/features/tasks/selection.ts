/**
 * The list's multi-selection (issue 18) as pure steps: `x` / Ctrl-click toggles one task,
 * shift-click adds the range from the anchor (the last toggled task) to the clicked one.
 */
export interface Selection {
  ids: ReadonlySet<string>;
  anchor: string | null;
}

export const NO_SELECTION: Selection = { ids: new Set(), anchor: null };

export function toggleSelected(s: Selection, id: string): Selection {
  const ids = new Set(s.ids);
  if (!ids.delete(id)) ids.add(id);
  return { ids, anchor: id };
}

/** Add every task between the anchor and `id`, in the order shown (no anchor: toggle `id`). */
export function selectRange(s: Selection, order: readonly string[], id: string): Selection {
  const from = s.anchor ? order.indexOf(s.anchor) : -1;
  const to = order.indexOf(id);
  if (to < 0) return s;
  if (from < 0) return toggleSelected(s, id);
  const [lo, hi] = from < to ? [from, to] : [to, from];
  return { ids: new Set([...s.ids, ...order.slice(lo, hi + 1)]), anchor: id };
}
