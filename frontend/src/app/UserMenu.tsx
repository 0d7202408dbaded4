import * as Menu from "@radix-ui/react-dropdown-menu";
import { LogOut, Settings } from "lucide-react";
import { useNavigate } from "react-router";
import { useAuth } from "@/features/auth/context";
import { USER_MENU_TRIGGER } from "./userMenuTrigger";

/**
 * The account menu. Radix's menu brings ~25 kB gzipped (popper, floating-ui), so AppLayout shows
 * a look-alike button first and loads this on the first click, opened (`defaultOpen`).
 */
export function UserMenu({ name, initials }: { name: string; initials: string }) {
  const { user, logout } = useAuth();
  const navigate = useNavigate();
  return (
    <Menu.Root defaultOpen>
      <Menu.Trigger className={USER_MENU_TRIGGER} aria-label={`Account menu for ${name}`}>
        {initials}
      </Menu.Trigger>
      <Menu.Portal>
        <Menu.Content
          align="end"
          sideOffset={6}
          className="z-50 min-w-56 rounded-lg border border-zinc-200 bg-white p-1 text-sm shadow-lg dark:border-zinc-800 dark:bg-zinc-900"
        >
          <div className="px-2.5 py-2">
            <p className="truncate font-medium">{user?.full_name || "Your account"}</p>
            <p className="truncate text-xs text-zinc-600 dark:text-zinc-400">{user?.email}</p>
          </div>
          <Menu.Separator className="my-1 h-px bg-zinc-200 dark:bg-zinc-800" />
          <Menu.Item
            onSelect={() => navigate("/settings")}
            className="flex cursor-pointer items-center gap-2 rounded-md px-2.5 py-1.5 outline-none data-highlighted:bg-zinc-100 dark:data-highlighted:bg-zinc-800"
          >
            <Settings className="size-4" aria-hidden="true" /> Settings
          </Menu.Item>
          <Menu.Item
            onSelect={() => void logout().then(() => navigate("/login", { replace: true }))}
            className="flex cursor-pointer items-center gap-2 rounded-md px-2.5 py-1.5 outline-none data-highlighted:bg-zinc-100 dark:data-highlighted:bg-zinc-800"
          >
            <LogOut className="size-4" aria-hidden="true" /> Log out
          </Menu.Item>
        </Menu.Content>
      </Menu.Portal>
    </Menu.Root>
  );
}
