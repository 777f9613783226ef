"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import type { ComponentProps } from "react";

type IntentLinkProps = Omit<ComponentProps<typeof Link>, "href" | "prefetch"> & { href: string };

/**
 * A link that loads its page ahead once the user shows intent (a pointer over it, focus, a touch),
 * not as soon as it scrolls into view. Next prefetches every link in view while the page is still
 * starting; on a phone, the deployment page's dozen links cost a request and a parse each on the
 * main thread that hydration needs.
 */
export function IntentLink({ href, ...props }: IntentLinkProps) {
  const router = useRouter();
  const prefetch = () => router.prefetch(href);
  return <Link href={href} prefetch={false} onPointerEnter={prefetch} onFocus={prefetch} onTouchStart={prefetch} {...props} />;
}
