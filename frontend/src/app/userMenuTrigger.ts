// Shared by the account menu's trigger and the look-alike AppLayout shows until the menu loads.
export const USER_MENU_TRIGGER =
  "bg-brand-600 hover:bg-brand-700 flex size-8 items-center justify-center rounded-full text-xs font-semibold text-white";
