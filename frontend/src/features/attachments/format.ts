/** 2048 is "2.0 KB": sizes as people read them (binary units, one decimal past bytes). */
const UNITS = ["B", "KB", "MB", "GB"];

export function humanSize(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${UNITS[unit]}`;
}
