import type { Colour } from "./api";

export const COLOURS: readonly Colour[] = [
  "grey",
  "red",
  "orange",
  "yellow",
  "green",
  "teal",
  "blue",
  "purple",
  "pink",
];

/**
 * The dot's colour per project colour (Tailwind's 500 shades), set inline: the one global
 * stylesheet is part of every first paint, so nine colour utilities would cost /tasks its budget.
 */
export const COLOUR_HEX: Record<Colour, string> = {
  grey: "#a1a1aa",
  red: "#ef4444",
  orange: "#f97316",
  yellow: "#eab308",
  green: "#22c55e",
  teal: "#14b8a6",
  blue: "#3b82f6",
  purple: "#a855f7",
  pink: "#ec4899",
};
