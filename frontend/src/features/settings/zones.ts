export const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** The IANA zones this browser knows, with the current and the browser's own always listed. */
export function zoneChoices(current: string, browser = browserZone()): string[] {
  const known =
    typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return [...new Set([...known, "UTC", current, browser])].sort();
}
