import { describe, expect, it } from "vitest";
import { zoneChoices } from "./zones";

describe("time zone choices", () => {
  it("lists IANA zones sorted, always with UTC, the saved zone and the browser's", () => {
    const z = zoneChoices("Europe/Berlin", "America/Argentina/Ushuaia");
    expect(z).toEqual([...z].sort());
    expect(new Set(z).size).toBe(z.length);
    for (const name of ["UTC", "Europe/Berlin", "America/Argentina/Ushuaia", "Asia/Tokyo"])
      expect(z).toContain(name);
  });
});
