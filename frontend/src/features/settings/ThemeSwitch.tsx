import { Monitor, Moon, Sun } from "lucide-react";
import { cn } from "@/lib/cn";
import { useTheme, type ThemePref } from "@/lib/theme";

const OPTIONS: { value: ThemePref; label: string; Icon: typeof Sun }[] = [
  { value: "light", label: "Light", Icon: Sun },
  { value: "dark", label: "Dark", Icon: Moon },
  { value: "system", label: "System", Icon: Monitor },
];

export function ThemeSwitch({ withLabels = false }: { withLabels?: boolean }) {
  const [pref, setPref] = useTheme();
  return (
    <div
      role="radiogroup"
      aria-label="Theme"
      className="inline-flex rounded-lg bg-zinc-100 p-0.5 dark:bg-zinc-800"
    >
      {OPTIONS.map(({ value, label, Icon }) => (
        <button
          key={value}
          type="button"
          role="radio"
          aria-checked={pref === value}
          aria-label={withLabels ? undefined : `${label} theme`}
          onClick={() => setPref(value)}
          className={cn(
            "inline-flex items-center gap-1.5 rounded-md px-2 py-1 text-xs font-medium text-zinc-600 dark:text-zinc-400",
            pref === value && "bg-white text-zinc-900 shadow-xs dark:bg-zinc-950 dark:text-white",
          )}
        >
          <Icon className="size-3.5" aria-hidden="true" />
          {withLabels && label}
        </button>
      ))}
    </div>
  );
}
