"use client";

import { useCallback, useState } from "react";

/**
 * A ref callback and whether its element has come within `margin` of the screen (once true, it
 * stays true): what sits below the fold is fetched or drawn only when the reader scrolls near.
 */
export function useNearScreen(margin = "200px 0px"): [(node: HTMLElement | null) => (() => void) | undefined, boolean] {
  const [near, setNear] = useState(false);
  const ref = useCallback(
    (node: HTMLElement | null) => {
      if (!node) return undefined;
      const observer = new IntersectionObserver(
        ([entry]) => {
          if (!entry?.isIntersecting) return;
          setNear(true);
          observer.disconnect();
        },
        { rootMargin: margin },
      );
      observer.observe(node);
      return () => observer.disconnect();
    },
    [margin],
  );
  return [ref, near];
}
