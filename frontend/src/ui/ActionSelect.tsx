import { useRef, useState } from "react";

/**
 * A select that runs an action instead of holding a value: it shows its prompt (a disabled first
 * option), so the same choice can be picked again, and hands the picked value on.
 *
 * A pick from the open list (a click, a tap, Enter in it) runs at once. A key on the closed menu
 * (arrows, Home/End, a letter) changes its value at each press in Chrome and Firefox on Linux and
 * Windows: such a choice only shows until Enter runs it (Escape or leaving drops it). Each arrow
 * press used to run an action, so a keyboard or screen reader user reached only the first option.
 */
export function ActionSelect<T extends string>({
  label,
  prompt,
  options,
  onPick,
  disabled,
  className,
}: {
  /** The accessible name (the prompt is not one: it is only the shown option). */
  label: string;
  prompt: string;
  options: readonly { value: T; label: string }[];
  onPick: (value: T) => void;
  disabled?: boolean | undefined;
  className?: string | undefined;
}) {
  const [shown, setShown] = useState<T | "">("");
  // Set by a key press for the change it makes as its default action, in the same task; a pick
  // made later in a list the key opened (macOS opens it on an arrow) is not keyed.
  const keyed = useRef(false);
  return (
    <select
      aria-label={label}
      className={className}
      value={shown}
      disabled={disabled}
      onKeyDown={(e) => {
        if (shown && (e.key === "Enter" || e.key === "Escape")) {
          // Escape drops the choice only (not, say, the bulk bar's selection).
          e.preventDefault();
          e.stopPropagation();
          setShown("");
          if (e.key === "Enter") onPick(shown);
          return;
        }
        keyed.current = true;
        setTimeout(() => (keyed.current = false));
      }}
      // Only an option can be picked (the prompt is disabled): the value is one of `options`.
      onChange={(e) => {
        const value = e.target.value as T;
        if (keyed.current) setShown(value);
        else onPick(value);
      }}
      onBlur={() => setShown("")}
    >
      <option value="" disabled>
        {prompt}
      </option>
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
}
