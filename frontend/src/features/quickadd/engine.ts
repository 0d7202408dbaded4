// The quick add's lazy chunk: chrono-node, the zone data and the chips render only after the
// field is first focused, so the initial route stays within its 150 kB budget.
export { ParsedChips } from "./Chips";
export { chipKey, readQuickAdd } from "./read";
export { listProjects, projectLookup, toApiBody, toCreateRequest } from "./request";
export { prepareQuickAdd } from "./prepare";
