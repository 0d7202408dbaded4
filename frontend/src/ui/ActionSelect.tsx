/**
 * A select that runs an action instead of holding a value: it always shows its prompt (a disabled
 * first option), so the same choice can be picked again, and hands the picked value on.
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
  return (
    <select
      aria-label={label}
      className={className}
      value=""
      disabled={disabled}
      // Only an option can be picked (the prompt is disabled): the value is one of `options`.
      onChange={(e) => onPick(e.target.value as T)}
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
