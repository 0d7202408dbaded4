import { useLocation } from "react-router";
import { useViews, type SavedView } from "./api";
import { viewHref } from "./query";

/**
 * The saved view this address is (as the sidebar marks it current), so the list can be headed by
 * its name. A filtered list asks for the views if the sidebar has not; an unfiltered one only
 * reads what is cached (on a phone the views are fetched once the drawer opens).
 */
export function useOpenView(): SavedView | undefined {
  const { pathname, search } = useLocation();
  const views = useViews({ enabled: search !== "" });
  const here = `${pathname}${search}`;
  return views.data?.find((v) => viewHref(v.query) === here);
}
