import type { Request } from 'express';

/**
 * Who a request acts for: the operator (`HOOKWAY_API_TOKEN`, every route) or one application (an
 * application token: its own routes only).
 */
export type Principal =
  | { kind: 'operator' }
  | {
      kind: 'application';
      /** The token's id (`tok_...`). */
      tokenId: string;
      applicationId: string;
      /** The application's uid, which paths may name it by. */
      applicationUid: string;
      /** When the token stops working; null for never. */
      expiresAt: Date | null;
    };

const PRINCIPAL = Symbol('hookway.principal');

type WithPrincipal = Request & { [PRINCIPAL]?: Principal };

/** Records who the request acts for; the authentication middleware calls it once per request. */
export function setPrincipal(req: Request, principal: Principal): void {
  (req as WithPrincipal)[PRINCIPAL] = principal;
}

/** Who the request acts for; undefined where no token was asked for (the open paths). */
export function principalOf(req: Request): Principal | undefined {
  return (req as WithPrincipal)[PRINCIPAL];
}
