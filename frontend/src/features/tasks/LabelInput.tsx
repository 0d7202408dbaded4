import { X } from "lucide-react";
import { useId, useMemo, useState } from "react";
import { cn } from "@/lib/cn";

const MAX_LABELS = 20;
const MAX_LEN = 50;

/** Labels as chips, with autocomplete from the user's existing labels (ARIA combobox). */
export function LabelInput({
  id,
  value,
  onChange,
  suggestions,
}: {
  id: string;
  value: string[];
  onChange: (labels: string[]) => void;
  suggestions: string[];
}) {
  const [text, setText] = useState("");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const [navigated, setNavigated] = useState(false);
  const listId = useId();
  const matches = useMemo(() => {
    const t = text.trim().toLowerCase();
    return suggestions
      .filter((s) => !value.includes(s) && (!t || s.toLowerCase().includes(t)))
      .slice(0, 8);
  }, [text, suggestions, value]);

  const add = (raw: string) => {
    const label = raw.trim().slice(0, MAX_LEN);
    if (label && !value.includes(label) && value.length < MAX_LABELS) onChange([...value, label]);
    setText("");
    setActive(0);
    setNavigated(false);
  };
  const showList = open && matches.length > 0;

  return (
    <div className="relative">
      <div className="focus-within:border-brand-500 focus-within:ring-brand-500/20 flex min-h-9 flex-wrap items-center gap-1.5 rounded-md border border-zinc-300 bg-white px-2 py-1.5 shadow-xs focus-within:ring-2 dark:border-zinc-700 dark:bg-zinc-900">
        {value.map((l) => (
          <span
            key={l}
            className="inline-flex items-center gap-1 rounded-full bg-zinc-100 py-0.5 pr-1 pl-2 text-xs text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200"
          >
            #{l}
            <button
              type="button"
              onClick={() => onChange(value.filter((v) => v !== l))}
              className="rounded-full p-0.5 hover:bg-zinc-200 dark:hover:bg-zinc-700"
              aria-label={`Remove label ${l}`}
            >
              <X className="size-3" aria-hidden="true" />
            </button>
          </span>
        ))}
        <input
          id={id}
          role="combobox"
          aria-expanded={showList}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={showList ? `${listId}-${active}` : undefined}
          value={text}
          disabled={value.length >= MAX_LABELS}
          placeholder={value.length ? "" : "Type a label, press Enter"}
          maxLength={MAX_LEN}
          onChange={(e) => {
            setText(e.target.value.replace(",", ""));
            setOpen(true);
            setActive(0);
            setNavigated(false);
            if (e.target.value.includes(",")) add(e.target.value.replace(",", ""));
          }}
          onFocus={() => setOpen(true)}
          onBlur={() => setTimeout(() => setOpen(false), 120)}
          onKeyDown={(e) => {
            if (e.key === "ArrowDown" && matches.length) {
              e.preventDefault();
              setOpen(true);
              setNavigated(true);
              setActive((a) => (a + 1) % matches.length);
            } else if (e.key === "ArrowUp" && matches.length) {
              e.preventDefault();
              setNavigated(true);
              setActive((a) => (a - 1 + matches.length) % matches.length);
            } else if (e.key === "Enter") {
              // A highlighted suggestion (chosen with the arrows) wins; otherwise the typed text.
              const pick = showList && (navigated || !text.trim()) ? matches[active] : text;
              if (pick?.trim()) {
                e.preventDefault();
                add(pick);
              }
            } else if (e.key === "Backspace" && !text && value.length) {
              onChange(value.slice(0, -1));
            } else if (e.key === "Escape" && showList) {
              e.preventDefault();
              e.stopPropagation();
              setOpen(false);
            }
          }}
          className="h-6 min-w-24 flex-1 bg-transparent text-sm placeholder:text-zinc-500 focus:outline-none dark:placeholder:text-zinc-400"
        />
      </div>
      {showList && (
        <ul
          id={listId}
          role="listbox"
          aria-label="Existing labels"
          className="absolute z-10 mt-1 max-h-48 w-full overflow-auto rounded-md border border-zinc-200 bg-white py-1 shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
        >
          {matches.map((m, i) => (
            <li
              key={m}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              onMouseDown={(e) => {
                e.preventDefault();
                add(m);
              }}
              className={cn(
                "cursor-pointer px-3 py-1.5 text-sm",
                i === active
                  ? "bg-brand-50 text-brand-700 dark:bg-brand-600/20 dark:text-brand-100"
                  : "",
              )}
            >
              #{m}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
