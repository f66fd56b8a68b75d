/**
 * Hash routes (`#/budget/2027`), so the portal is a static site any server can host and a
 * permit's QR code can point at its verification page without server rewrites.
 */
import { useEffect, useState } from "react";

export interface Route {
  /** Path segments after `#/`, decoded. */
  path: string[];
  query: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#\/?/, "");
  const [pathPart, queryPart = ""] = raw.split("?", 2);
  const path = pathPart
    .split("/")
    .filter((s) => s !== "")
    .map((s) => decodeURIComponent(s));
  return { path, query: new URLSearchParams(queryPart) };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(window.location.hash));
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return route;
}

/** The href of a route: `href("budget", 2027)` is `#/budget/2027`. */
export function href(...segments: Array<string | number | bigint>): string {
  return `#/${segments.map((s) => encodeURIComponent(String(s))).join("/")}`;
}

/** An absolute URL of a route of this portal (for QR codes and links shared elsewhere). */
export function absoluteHref(...segments: Array<string | number | bigint>): string {
  const here = new URL(window.location.href);
  here.hash = href(...segments).slice(1);
  return here.toString();
}
