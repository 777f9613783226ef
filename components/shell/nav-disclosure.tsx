"use client";

import { usePathname } from "next/navigation";
import { useRef, useState, type KeyboardEvent, type ReactNode } from "react";

/**
 * The navigation and account block, behind a "Menu" button on narrow screens (CSS shows it
 * open on wide ones). A disclosure: the button says whether it is expanded, Escape closes it and
 * returns focus to the button, and following a link closes it.
 */
export function NavDisclosure({ brand, children }: { brand: ReactNode; children: ReactNode }) {
  const pathname = usePathname();
  // Open only on the page where it was opened, so navigating closes it without an effect.
  const [openOn, setOpenOn] = useState<string | null>(null);
  const open = openOn === pathname;
  const button = useRef<HTMLButtonElement>(null);
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === "Escape" && open) {
      setOpenOn(null);
      button.current?.focus();
    }
  };
  return (
    // Escape works from the button as well as from inside the menu.
    <div className="nav-disclosure" onKeyDown={onKeyDown}>
      <div className="sidebar-top">
        {brand}
        <button ref={button} className="button nav-toggle" type="button" aria-expanded={open} aria-controls="site-menu" onClick={() => setOpenOn(open ? null : pathname)}>
          <span aria-hidden="true">☰</span> Menu
        </button>
      </div>
      <div id="site-menu" className="sidebar-menu" data-open={open}>
        {children}
      </div>
    </div>
  );
}
