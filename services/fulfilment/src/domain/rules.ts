// The order moves fulfilment makes, decided by the contract's transition table.
import { canTransition, ORDER_STATUSES, type OrderStatus } from '@surge-lab/contracts/orders';

export type ConfirmDecision = 'confirm' | 'order_missing' | 'not_placed';

const isStatus = (s: string): s is OrderStatus => (ORDER_STATUSES as readonly string[]).includes(s);

/** `status` is the order's current status, null when the order row does not exist. */
export function decideConfirm(status: string | null): ConfirmDecision {
  if (status === null) return 'order_missing';
  return isStatus(status) && canTransition(status, 'confirmed') ? 'confirm' : 'not_placed';
}

export function canShip(status: string): boolean {
  return isStatus(status) && canTransition(status, 'shipped');
}
